from django.db.models import Prefetch

from aduan.categories.models import Category


def category_tree() -> list[Category]:
    """Active top-level categories, each with its active children prefetched."""
    children = Prefetch(
        "children", queryset=Category.objects.filter(is_active=True), to_attr="active_children"
    )
    return list(Category.objects.filter(parent=None, is_active=True).prefetch_related(children))
