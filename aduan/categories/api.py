from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from aduan.categories import selectors
from aduan.categories.models import Category

router = Router(tags=["reference"])


def _label(category: Category) -> str:
    return category.name_en if get_language() == "en" else category.name


class CategoryOut(Schema):
    code: str = Field(examples=["infrastruktur.jalan"])
    name: str = Field(description="Indonesian name.")
    name_en: str
    label: str = Field(description="The name in the request's language (Accept-Language).")

    @staticmethod
    def resolve_label(category: Category) -> str:
        return _label(category)


class CategoryTreeOut(CategoryOut):
    children: list[CategoryOut] = Field(alias="active_children")


@router.get(
    "",
    response=list[CategoryTreeOut],
    summary="The category tree",
    description="The whole two-level tree in one answer (it is small, so not paginated).",
    url_name="categories",
)
def category_list(request: HttpRequest) -> list[Category]:
    return selectors.category_tree()
