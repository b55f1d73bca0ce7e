"""dondoc: theo dõi, đôn đốc nhiệm vụ giao trong văn bản hành chính."""

__version__ = "0.1.0"
