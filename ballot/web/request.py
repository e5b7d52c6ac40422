"""The application's request class: form data and JSON bodies pass the input floor (``ballot.web.inputs``) once,
whichever handler or helper reads them."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import ClientException, SerializationException
from litestar.serialization import decode_json
from litestar.types import Empty

from ballot.exceptions import ValidationFailed
from ballot.web.inputs import check_json_body, check_text_fields, json_control_errors


class GuardedRequest(Request[Any, Any, Any]):
    """A request whose ``form()`` refuses control characters (422 naming the field) and whose ``json()`` refuses
    bodies over the size or depth limit (400) before parsing, and strings with control characters after it (422
    naming the field by its path)."""

    async def form(self) -> FormMultiDict:
        """The form data, after every text value has passed the control-character check."""
        form = await super().form()
        check_text_fields(form.multi_items())
        return form

    async def json(self) -> Any:
        """The parsed JSON body, after the size and depth check and the control-character check."""
        if self._json is not Empty:
            return self._json
        body = await self.body()
        check_json_body(body)
        try:
            value = decode_json(body or b"null", type_decoders=self.route_handler.resolve_type_decoders())
        except SerializationException as exc:  # as the framework answers a malformed body: 400
            raise ClientException(str(exc)) from exc
        errors = json_control_errors(value)
        if errors:
            raise ValidationFailed(errors)
        self._json = self._connection_state.json = value
        return value
