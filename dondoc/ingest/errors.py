"""Why a file could not be read, said to the user in Vietnamese."""


class IngestError(Exception):
    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code
