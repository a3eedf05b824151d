"""A local replay of the Hugging Face Hub (and GitHub licence API) for offline, request-counting tests."""

from tests.hubreplay.server import Fault, HubReplayServer, RecordedRequest

__all__ = ["Fault", "HubReplayServer", "RecordedRequest"]
