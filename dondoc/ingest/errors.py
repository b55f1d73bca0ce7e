"""Why a file could not be read, said to the user in Vietnamese."""


class IngestError(Exception):
    def __init__(self, message: str, code: str = "unreadable", detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail       # the reader's own exception and traceback, for the log

    def __reduce__(self):          # crosses from the reading process with its code
        return (self.__class__, (self.message, self.code, self.detail))
