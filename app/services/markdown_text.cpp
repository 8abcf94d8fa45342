// Think-section split and Markdown sanitising (CommonMark code spans/fences are left untouched).
#include "services/markdown_text.h"

#include <QList>
#include <QRegularExpression>
#include <QStringView>

namespace farsight::app {

ThinkSplit splitThinking(const QString& content) {
    ThinkSplit out;
    int start = 0;
    while (start < content.size() && content.at(start).isSpace()) ++start;
    static const QString open = QStringLiteral("<think>");
    static const QString close = QStringLiteral("</think>");
    if (content.mid(start, open.size()) != open) {
        // A partial "<thi" at the very start of a stream is not shown as text yet.
        const QString head = content.mid(start);
        if (!head.isEmpty() && head.size() < open.size() && open.startsWith(head)) return out;
        out.body = content;
        return out;
    }
    const int inner = start + open.size();
    const int end = content.indexOf(close, inner);
    if (end < 0) {
        out.thinking = content.mid(inner).trimmed();
        out.thinkingOpen = true;
        return out;
    }
    out.thinking = content.mid(inner, end - inner).trimmed();
    out.body = content.mid(end + close.size());
    while (!out.body.isEmpty() && out.body.front().isSpace()) out.body.remove(0, 1);
    return out;
}

QString sanitizeMarkdown(const QString& markdown) {
    QString out;
    out.reserve(markdown.size() + 16);
    bool in_fence = false;
    QString fence;  // the ``` or ~~~ run that opened the fence
    const auto lines = QStringView(markdown).split(u'\n');
    for (qsizetype li = 0; li < lines.size(); ++li) {
        const QStringView line = lines[li];
        const QStringView trimmed = line.trimmed();
        if (li > 0) out += u'\n';
        if (in_fence) {
            out += line;
            if (trimmed.startsWith(fence) && trimmed.trimmed() == QString(trimmed.size(), fence.front())) in_fence = false;
            continue;
        }
        if (trimmed.startsWith(u"```") || trimmed.startsWith(u"~~~")) {
            const QChar c = trimmed.front();
            int n = 0;
            while (n < trimmed.size() && trimmed[n] == c) ++n;
            fence = QString(n, c);
            in_fence = true;
            out += line;
            continue;
        }
        // Inline: skip code spans (`...`), escape the rest.
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line[i];
            if (c == u'`') {
                qsizetype run = 0;
                while (i + run < line.size() && line[i + run] == u'`') ++run;
                const QString ticks(run, u'`');
                const qsizetype close = line.indexOf(ticks, i + run);
                if (close >= 0) {
                    out += line.mid(i, close + run - i);
                    i = close + run - 1;
                    continue;
                }
                out += ticks;
                i += run - 1;
                continue;
            }
            if (c == u'\\' && i + 1 < line.size()) {  // keep existing escapes as they are
                out += c;
                out += line[++i];
                continue;
            }
            if (c == u'<') { out += QStringLiteral("\\<"); continue; }
            if (c == u'!' && i + 1 < line.size() && line[i + 1] == u'[') continue;  // image -> link
            out += c;
        }
    }
    return out;
}

namespace {

bool isTableSeparator(const QString& line) {
    static const QRegularExpression re(QStringLiteral(R"(^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$)"));
    return line.contains(u'-') && re.match(line).hasMatch();
}

QStringList tableCells(QString line) {
    line = line.trimmed();
    if (line.startsWith(u'|')) line.remove(0, 1);
    if (line.endsWith(u'|') && !line.endsWith(QLatin1String("\\|"))) line.chop(1);
    QStringList cells;
    QString cell;
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line[i] == u'\\' && i + 1 < line.size() && line[i + 1] == u'|') {
            cell += u'|';
            ++i;
        } else if (line[i] == u'|') {
            cells << sanitizeMarkdown(cell.trimmed());
            cell.clear();
        } else {
            cell += line[i];
        }
    }
    cells << sanitizeMarkdown(cell.trimmed());
    return cells;
}

}  // namespace

QString blockKindName(TextBlock::Kind kind) {
    switch (kind) {
    case TextBlock::Kind::code: return QStringLiteral("code");
    case TextBlock::Kind::table: return QStringLiteral("table");
    case TextBlock::Kind::quote: return QStringLiteral("quote");
    default: return QStringLiteral("prose");
    }
}

QList<TextBlock> splitBlocks(const QString& markdown) {
    QList<TextBlock> blocks;
    QString prose;
    const auto flush = [&] {
        if (!prose.trimmed().isEmpty()) blocks.append({TextBlock::Kind::prose, {}, sanitizeMarkdown(prose.trimmed()), {}, {}});
        prose.clear();
    };
    const QStringList lines = markdown.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString trimmed = lines[i].trimmed();
        if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
            flush();
            const QChar c = trimmed.front();
            qsizetype n = 0;
            while (n < trimmed.size() && trimmed[n] == c) ++n;
            TextBlock code{TextBlock::Kind::code, trimmed.mid(n).trimmed(), {}, {}, {}};
            QStringList body;
            for (++i; i < lines.size(); ++i) {
                const QString t = lines[i].trimmed();
                if (t.size() >= n && t == QString(t.size(), c)) break;
                body << lines[i];
            }
            code.text = body.join(u'\n');
            blocks.append(code);
            continue;
        }
        if (trimmed.contains(u'|') && i + 1 < lines.size() && isTableSeparator(lines[i + 1])) {
            flush();
            TextBlock table{TextBlock::Kind::table, {}, {}, tableCells(lines[i]), {}};
            for (i += 2; i < lines.size() && lines[i].contains(u'|') && !lines[i].trimmed().isEmpty(); ++i) {
                QStringList row = tableCells(lines[i]);
                while (row.size() < table.headers.size()) row << QString();
                table.rows << row.mid(0, table.headers.size());
            }
            --i;
            blocks.append(table);
            continue;
        }
        if (trimmed.startsWith(u'>')) {
            flush();
            QStringList quoted;
            for (; i < lines.size() && lines[i].trimmed().startsWith(u'>'); ++i) {
                QString t = lines[i].trimmed().mid(1);
                if (t.startsWith(u' ')) t.remove(0, 1);
                quoted << t;
            }
            --i;
            blocks.append({TextBlock::Kind::quote, {}, sanitizeMarkdown(quoted.join(u'\n')), {}, {}});
            continue;
        }
        prose += lines[i];
        prose += u'\n';
    }
    flush();
    return blocks;
}

}  // namespace farsight::app
