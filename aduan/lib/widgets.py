"""Form widgets."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A select with hundreds of options (every regency and city, every agency),
    written out here rather than through Django's template for each option, which
    costs tens of milliseconds a page at that size. The same HTML: groups, the
    selected option, and every attribute the field gives (ids, aria-describedby)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts = [format_html("<select{}>", flatatt(final))]
        for label, options in self._groups():
            if label is None:
                parts.extend(self._options(options, chosen))
            else:
                parts.append(format_html('<optgroup label="{}">', label))
                parts.extend(self._options(options, chosen))
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped above

    def _groups(self) -> Iterable[tuple[Any, list[tuple[Any, Any]]]]:
        for value, label in self.choices:
            if isinstance(label, list | tuple):
                yield value, list(label)
            else:
                yield None, [(value, label)]

    @staticmethod
    def _options(options: list[tuple[Any, Any]], chosen: set[str]) -> Iterable[SafeString]:
        for value, label in options:
            key = "" if value is None else str(value)
            selected = " selected" if key in chosen else ""
            yield format_html('<option value="{}"{}>{}</option>', key, selected, label)
