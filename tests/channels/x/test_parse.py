"""Reading posts and direct messages in both shapes X delivers them (the v2 API and
the Account Activity webhook), which posts count as reports, and what a reply in
a thread says."""

from aduan.channels.x.parse import (
    DirectMessage,
    Post,
    directs_from_activity,
    directs_from_events,
    post_addressed,
    post_counts,
    post_report_text,
    post_words,
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


def test_it_reads_which_post_a_reply_answers() -> None:
    [reply] = posts_from_activity(payload("activity_thread_reply.json"))
    assert reply.in_reply_to == "1862400000000000001"
    [report] = posts_from_activity(payload("activity_report.json"))
    assert report.in_reply_to == ""
    page = {
        "data": [
            {
                "id": "9",
                "text": "@lapor1708 @SitiWarga sama di sini",
                "author_id": "5",
                "referenced_tweets": [{"type": "replied_to", "id": "8"}],
            }
        ]
    }
    [v2] = posts_from_timeline(page)
    assert v2.in_reply_to == "8" and not v2.repost


def test_a_reply_says_what_follows_the_handles_in_front() -> None:
    post = Post(
        post_id="9",
        author_id="5",
        handle="warga",
        text="@lapor1708 @SitiWarga  sudah diperbaiki &amp; rapi, terima kasih @dinas_pupr",
    )
    assert post_addressed(post, account_id=ACCOUNT_ID, account_handle=HANDLE)
    assert not counts(post)  # no #LAPOR: not a new report
    words = post_words(post, account_handle=HANDLE)
    assert words == "sudah diperbaiki & rapi, terima kasih @dinas_pupr"


def test_it_reads_an_account_activity_direct_message() -> None:
    [direct] = directs_from_activity(payload("activity_direct_message.json"))
    assert direct == DirectMessage(
        event_id="1862600000000000001",
        sender_id="1234567890123456789",
        handle="SitiWarga",
        name="Siti Warga",
        text="LAPOR Lampu jalan di Jl. Kartini mati sejak seminggu, gelap sekali malam hari",
    )


def test_it_reads_a_page_of_direct_message_events() -> None:
    page = {
        "data": [
            {"id": "3", "event_type": "MessageCreate", "text": "CEK 1", "sender_id": "5"},
            {"id": "2", "event_type": "ParticipantsJoin", "participant_ids": ["5"]},
            {"id": "1", "event_type": "MessageCreate", "text": "INFO", "sender_id": "6"},
        ],
        "includes": {"users": [{"id": "5", "username": "warga", "name": "Warga"}]},
    }
    directs = list(directs_from_events(page))
    assert [d.event_id for d in directs] == ["3", "1"]
    assert (directs[0].handle, directs[1].handle) == ("warga", "")


def test_a_malformed_delivery_yields_nothing() -> None:
    assert list(directs_from_activity({"direct_message_events": [None, 3], "users": []})) == []
    assert list(directs_from_events({"data": ["x", None]})) == []
    assert list(posts_from_timeline({"data": [None]})) == []
