"""Reading request bodies in the JSON API: JSON, or a multipart form where files
may come with the data; and describing them in the OpenAPI document, which cannot
see a body that an endpoint parses itself."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from aduan.lib.errors import AduanError
from aduan.reports.services import Upload


class UnsupportedMediaType(AduanError):
    status = 415
    default_code = "unsupported_media_type"
    default_message = _("Kirim data sebagai application/json atau multipart/form-data.")


def parse_body[S: BaseModel](
    request: HttpRequest, schema: type[S], *, files: bool = False
) -> tuple[S, list[Upload]]:
    """The body as ``schema``: JSON, or (where files may come) a multipart form
    whose ``files`` field holds them. Anything else is 415; a body that breaks the
    schema is 422 in the API's one error shape."""
    content_type = request.content_type
    uploads: list[Upload] = []
    try:
        if content_type == "application/json":
            data = schema.model_validate_json(request.body or b"{}")
        elif files and content_type == "multipart/form-data":
            # A blank optional field is as if not sent. A required one is kept blank
            # — and one left out is blank too, as in an HTML form, where a blank
            # part may not be sent at all — for the service to say it is required.
            fields = schema.model_fields
            form = {
                name: value
                for name in request.POST
                if (value := request.POST.get(name)) != ""
                or (name in fields and fields[name].is_required())
            }
            for name, field in fields.items():
                if field.is_required():
                    form.setdefault(name, "")
            data = schema.model_validate(form)
            uploads = [
                Upload(name=upload.name or "", data=upload.read())
                for upload in request.FILES.getlist("files")
            ]
        else:
            raise UnsupportedMediaType()
    except PydanticError as error:
        raise ValidationError(
            [{**item, "loc": ("body", *item.get("loc", ()))} for item in error.errors()]
        ) from None
    return data, uploads


def _form_field(field: dict[str, Any]) -> dict[str, Any]:
    """A field as a form carries it: a form cannot send null, only leave it out."""
    options = field.get("anyOf")
    if not options:
        return field
    kept = [option for option in options if option.get("type") != "null"]
    field = {name: value for name, value in field.items() if name != "anyOf"}
    if len(kept) == 1:
        field.update(kept[0])
    else:
        field["anyOf"] = kept
    if "default" in field and field["default"] is None:
        del field["default"]
    return field


def request_body(schema: type[BaseModel], *, files: bool = False) -> dict[str, Any]:
    """The OpenAPI description of a body ``parse_body`` reads."""
    content: dict[str, Any] = {"application/json": {"schema": schema.model_json_schema()}}
    if files:
        form = schema.model_json_schema()
        form["properties"] = {
            **{name: _form_field(field) for name, field in form["properties"].items()},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        }
        content["multipart/form-data"] = {"schema": form}
    return {"requestBody": {"required": True, "content": content}}
