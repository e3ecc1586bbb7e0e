"""Reading posts in both shapes X delivers them (the v2 mentions timeline and the
Account Activity ``tweet_create_events``), and which posts count as reports."""

from aduan.channels.x.parse import (
    Post,
    post_counts,
    post_report_text,
    posts_from_activity,
    posts_from_timeline,
)
from tests.channels.x.conftest import ACCOUNT_ID, payload

HANDLE = "lapor1708"


def counts(post: Post) -> bool:
    return post_counts(post, account_id=ACCOUNT_ID, account_handle=HANDLE)


def test_it_reads_an_account_activity_post() -> None:
    [post] = posts_from_activity(payload("activity_report.json"))
    assert post.post_id == "1862400000000000001"
    assert (post.author_id, post.handle, post.name) == (
        "1234567890123456789",
        "SitiWarga",
        "Siti Warga",
    )
    assert post.photo_urls == ("https://pbs.twimg.com/media/FhOto1.jpg",)
    assert counts(post)
    assert post_report_text(post, account_handle=HANDLE) == (
        "Jalan berlubang besar di Jl. Siliwangi & membahayakan motor"
    )


def test_it_reads_the_whole_text_of_a_long_post() -> None:
    [post] = posts_from_activity(payload("activity_long.json"))
    assert counts(post)  # "#lapor" in lower case counts too
    text = post_report_text(post, account_handle=HANDLE)
    assert text.startswith("Lampu penerangan jalan di Jl. Kartini")
    assert text.endswith("lewat pagi-pagi sekali.")


def test_it_reads_a_mentions_timeline_page() -> None:
    posts = list(posts_from_timeline(payload("mentions_timeline.json")))
    assert [p.post_id for p in posts] == [
        "1862500000000000003",
        "1862500000000000002",
        "1862500000000000001",
    ]
    first = posts[0]
    assert (first.author_id, first.handle) == ("3330000000000000003", "warga_kanoman")
    # Photos only: the video is not fetched.
    assert first.photo_urls == ("https://pbs.twimg.com/media/FhOto1.jpg",)
    assert post_report_text(first, account_handle=HANDLE) == (
        "Sampah menumpuk di pasar Kanoman sudah seminggu"
    )
    assert [counts(p) for p in posts] == [True, False, True]


def test_it_ignores_the_service_accounts_own_posts_and_reposts() -> None:
    [own] = posts_from_activity(payload("activity_own_reply.json"))
    assert not counts(own)
    thanks, repost = posts_from_activity(payload("activity_not_a_report.json"))
    assert not counts(thanks)  # no #LAPOR
    assert repost.repost and not counts(repost)


def test_it_needs_both_the_hashtag_and_the_mention() -> None:
    def post(text: str) -> Post:
        return Post(post_id="1", author_id="2", handle="warga", text=text)

    assert counts(post("#LAPOR jalan rusak @Lapor1708"))
    assert not counts(post("#LAPOR jalan rusak"))  # no mention
    assert not counts(post("#LAPORAN jalan rusak @lapor1708"))  # another hashtag
    assert not counts(post("#LAPOR jalan rusak @lapor17089"))  # another account
    assert not counts(post("mail#lapor @lapor1708"))
