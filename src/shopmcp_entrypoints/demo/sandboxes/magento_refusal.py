"""A refusal of the Magento sandbox: Magento's ``{message, parameters}`` error body and its
status, and the messages several handlers answer."""

from __future__ import annotations

from typing import Any

from shopmcp_entrypoints.demo.sandboxes.magento_data import JSON

NO_ROUTE = "Request does not match any route."
NO_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."


class MagentoRefusal(Exception):
    """An error answer in Magento's shape: ``message`` with ``%name`` or ``%1`` placeholders
    filled from ``parameters``."""

    def __init__(self, status: int, message: str, parameters: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def body(self) -> JSON:
        content: JSON = {"message": self.message}
        if self.parameters is not None:
            content["parameters"] = self.parameters
        return content
