// make_ui_fixture DB DOCUMENT: writes the session database the UI screenshot test (and the README
// screenshot) opens — a conversation about DOCUMENT with an attached copy of it (text + provenance
// from app/ingest), a regenerated answer (two branches), Markdown with a table and a code block,
// quotes that match the document and one that does not, plus a few other conversations.
#include <QCryptographicHash>
#include <QFile>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ingest/extract.h"
#include "ingest/provenance_json.h"
#include "services/fake_engine.h"
#include "storage/session_store.h"

using namespace farsight;
using namespace farsight::storage;

namespace {

int fail(const Status& st) {
    std::fprintf(stderr, "make_ui_fixture: %s\n", st.to_string().c_str());
    return 1;
}

Result<MessageId> add(SessionStore& s, ConversationId c, std::optional<MessageId> parent, Role role, std::string text,
                      std::optional<ReplyStats> stats = std::nullopt) {
    NewMessage m;
    m.conversation = c;
    m.parent = parent;
    m.role = role;
    m.content = std::move(text);
    m.stats = stats;
    if (role == Role::assistant) m.generation = {"fake:minimax_m1:a1-tiny-hybrid", R"({"temperature":0.7})"};
    return s.messages().add(m);
}

const char* kAnswer1 = R"(<think>
The question asks what happens in chapter I and wants the moment Alice follows the Rabbit quoted
exactly. The key passage is where she runs across the field after it.
</think>

## Down the Rabbit-Hole

Alice is bored on the riverbank until a **White Rabbit** with pink eyes runs past, checks a watch and
hurries on. Curiosity wins:

> "In another moment down went Alice after it, never once considering how in the world she was to get out again."

| Moment | What Alice finds |
|---|---|
| The fall | cupboards, book-shelves and a jar of orange marmalade |
| The hall | locked doors and a tiny golden key |
| The garden | a door fifteen inches high |

She also remarks that "the rabbit was wearing a top hat", which the chapter never says.)";

const char* kAnswer1b = R"(<think>
A shorter answer this time.
</think>

Alice follows a White Rabbit down a hole: "she ran across the field after it, and fortunately was just in time to see it pop down a large rabbit-hole under the hedge." The fall is long and slow, and she ends up in a hall of locked doors.)";

const char* kAnswer2 = R"(<think>
She shrinks by drinking from the bottle, then grows by eating the cake. Count how often the chapter
says "curious" to show the tone.
</think>

She drinks from a bottle labelled **DRINK ME** and shuts up "like a telescope", down to ten inches —
but the key is still on the table. The chapter's tone in one number:

```python
text = open("alice_ch1.txt").read().lower()
print(text.count("curious"))   # how often the chapter says it
```

Then she finds a cake marked **EAT ME** and the chapter ends as she waits to see which way she grows.)";

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_ui_fixture DB DOCUMENT\n");
        return 2;
    }
    const std::filesystem::path db = argv[1];
    const std::string document = argv[2];
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(db.string() + suffix, ec);

    auto opened = SessionStore::open(db);
    if (!opened.ok()) return fail(opened.status());
    SessionStore& s = **opened;

    // Older conversations first so the document one is the most recent.
    struct Other { const char* title; const char* question; const char* answer; bool pinned; };
    const Other others[] = {
        {"Lightning attention, in short", "Why is lightning attention linear in the sequence length?",
         "Because it keeps a running **state** instead of attending to every earlier token: each step updates a fixed-size matrix.", true},
        {"Packing list for Lisbon", "What should I pack for four days in Lisbon in May?",
         "Light layers, comfortable shoes for the hills, a light rain jacket and sunscreen.", false},
        {"Regex for ISO dates", "A regex for YYYY-MM-DD?", "`^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$`", false},
    };
    for (const Other& o : others) {
        Conversation c;
        c.title = o.title;
        auto id = s.conversations().create(c);
        if (!id.ok()) return fail(id.status());
        auto q = add(s, *id, std::nullopt, Role::user, o.question);
        if (!q.ok()) return fail(q.status());
        auto a = add(s, *id, *q, Role::assistant, o.answer, ReplyStats{61.8, 142.0, 120, 38});
        if (!a.ok()) return fail(a.status());
        if (o.pinned && !s.conversations().set_pinned(*id, true).ok()) return 1;
    }

    Conversation c;
    c.title = "Down the Rabbit-Hole: chapter notes";
    c.model_path = "tests/fixtures/minimax-text/a1-tiny-hybrid";
    c.sampling_json = R"({"temperature":0.7,"top_p":0.95,"top_k":40,"max_tokens":1024})";
    auto conversation = s.conversations().create(c);
    if (!conversation.ok()) return fail(conversation.status());

    // The attached document, extracted the way the app does it (same library, in process here).
    const std::string paths[] = {document};
    auto extracted = ingest::extract(paths);
    if (!extracted.ok()) return fail(extracted.status());
    QFile file(QString::fromStdString(document));
    if (!file.open(QIODevice::ReadOnly)) return fail(Status(ErrorCode::io_error, "cannot read " + document));
    Attachment a;
    a.conversation = *conversation;
    a.kind = AttachmentKind::text;
    a.original_path = std::filesystem::absolute(document).string();
    a.sha256 = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex().toStdString();
    a.byte_size = static_cast<std::int64_t>(extracted->files().front().file_bytes);
    a.provenance_json = ingest::provenance_to_json(*extracted);
    a.extracted_text = extracted->text();
    a.n_tokens = static_cast<std::int64_t>(app::fake_token_pieces(extracted->text()).size());
    auto attachment = s.attachments().add(a);
    if (!attachment.ok()) return fail(attachment.status());

    auto q1 = add(s, *conversation, std::nullopt, Role::user,
                  "What happens to Alice in the first chapter? Quote the moment she follows the Rabbit.");
    if (!q1.ok()) return fail(q1.status());
    auto a1b = add(s, *conversation, *q1, Role::assistant, kAnswer1b, ReplyStats{58.2, 2480.0, 2894, 64});
    if (!a1b.ok()) return fail(a1b.status());
    auto a1 = add(s, *conversation, *q1, Role::assistant, kAnswer1, ReplyStats{63.4, 96.0, 3021, 191});
    if (!a1.ok()) return fail(a1.status());
    auto q2 = add(s, *conversation, *a1, Role::user, "How does she get small enough for the little door?");
    if (!q2.ok()) return fail(q2.status());
    auto a2 = add(s, *conversation, *q2, Role::assistant, kAnswer2, ReplyStats{62.9, 88.0, 3270, 142});
    if (!a2.ok()) return fail(a2.status());
    if (Status st = s.attachments().attach_to_message(*attachment, *q1); !st.ok()) return fail(st);
    if (Status st = s.close(); !st.ok()) return fail(st);
    std::printf("wrote %s (conversation %lld)\n", db.string().c_str(), static_cast<long long>(*conversation));
    return 0;
}
