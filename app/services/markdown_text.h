// Text helpers for showing model output: split an M1-style <think> section from the answer and
// make Markdown safe to render (no raw HTML, no images: the chat view never fetches anything by
// itself, reliability.md "Qt application").
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace farsight::app {

struct ThinkSplit {
    QString thinking;       // text inside <think>...</think> (trimmed)
    QString body;           // the answer, without the think section
    bool thinkingOpen = false;  // <think> seen but not closed yet (still streaming it)
};

// Only a <think> that opens the reply (after whitespace) counts, as M1 emits it.
ThinkSplit splitThinking(const QString& content);

// Outside code spans and fences: `<` is escaped (no raw HTML) and `![alt](url)` becomes a plain
// link `[alt](url)` (no image loads).
QString sanitizeMarkdown(const QString& markdown);

// A reply cut into what the view renders differently: Markdown runs, fenced code blocks (an
// unclosed fence while streaming is a code block still growing), GFM tables and blockquotes.
struct TextBlock {
    enum class Kind { prose, code, table, quote };
    Kind kind = Kind::prose;
    QString language;            // code: the fence's info string
    QString text;                // prose/quote: sanitized Markdown; code: the code as is
    QStringList headers;         // table: header cells (sanitized Markdown)
    QList<QStringList> rows;     // table: body cells, padded to the header width
};
QString blockKindName(TextBlock::Kind kind);
QList<TextBlock> splitBlocks(const QString& markdown);

}  // namespace farsight::app
