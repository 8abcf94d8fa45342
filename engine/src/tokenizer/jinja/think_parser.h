// Incremental parser of a streamed MiniMax-M1 reply (spec minimax-01.md §5): `<think>\n…\n</think>\n`
// reasoning (plain text, no special token ids) before the answer, and `<tool_calls>\n{json}\n…
// </tool_calls>` blocks with one {"name": …, "arguments": …} JSON object per line. Push decoded
// text chunks of any size (tags may be split across chunks); get typed events back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace farsight {

struct ThinkEvent {
    enum class Kind { reasoning, answer, tool_call, invalid_tool_call };
    Kind kind;
    std::string text;            // reasoning/answer text, or the raw line of a tool call
    nlohmann::ordered_json call; // tool_call: the parsed object (has "name"; "arguments" when given)
};

struct ThinkParserOptions {
    // The prompt already opened the think block (a template that appends "<think>\n"): the reply
    // starts in reasoning. Otherwise reasoning starts only when the reply begins with "<think>".
    bool start_in_reasoning = false;
    // Text after this marker is ignored (a detokenizer that keeps the end-of-turn token).
    std::string end_marker = "<end_of_sentence>";
};

class ThinkParser {
public:
    explicit ThinkParser(ThinkParserOptions options = {});

    // Feed the next chunk; returns the events it completes (adjacent text of one kind is merged).
    std::vector<ThinkEvent> push(std::string_view chunk);
    // End of the stream: flushes held-back text; an unterminated <tool_calls> block is parsed as is.
    std::vector<ThinkEvent> finish();

    // Totals so far, for callers that want the whole reply split in two.
    const std::string& reasoning() const { return m_reasoning; }
    const std::string& answer() const { return m_answer; }

private:
    enum class State { start, reasoning, answer, tool_calls, done };

    void process(std::vector<ThinkEvent>& out, bool final);
    void emit_text(std::vector<ThinkEvent>& out, ThinkEvent::Kind kind, std::string_view text);
    void emit_tool_block(std::vector<ThinkEvent>& out, std::string_view block);

    ThinkParserOptions m_opt;
    State m_state;
    std::string m_buf;          // unconsumed input
    std::string m_pending_ws;   // trailing whitespace held back until more text shows it is inner
    bool m_at_segment_start = true;  // drop whitespace at the start of reasoning / answer
    std::string m_reasoning, m_answer;
};

}  // namespace farsight
