from django.test import Client


def test_it_returns_the_two_level_tree(api: Client) -> None:
    tree = api.get("/api/v1/categories").json()
    infrastruktur = next(item for item in tree if item["code"] == "infrastruktur")
    children = {child["code"] for child in infrastruktur["children"]}
    assert "infrastruktur.jalan" in children
    assert all(not child.get("children") for child in infrastruktur["children"])
    assert infrastruktur["label"] == infrastruktur["name"]


def test_labels_follow_the_requested_language(api: Client) -> None:
    tree = api.get("/api/v1/categories", headers={"accept-language": "en"}).json()
    assert all(item["label"] == item["name_en"] for item in tree)
