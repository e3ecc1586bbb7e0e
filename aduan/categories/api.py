from django.http import HttpRequest
from ninja import Field, Router, Schema

from aduan.categories import selectors
from aduan.categories.models import Category

router = Router(tags=["reference"])


class CategoryOut(Schema):
    code: str = Field(examples=["infrastruktur.jalan"])
    name: str = Field(description="Indonesian name.")
    name_en: str
    label: str = Field(description="The name in the request's language (Accept-Language).")

    @staticmethod
    def resolve_label(category: Category) -> str:
        return category.label


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
