// One message of the shown branch. User: a bubble (edit = a new branch). Assistant: the collapsed
// <think> section, the answer (Markdown and code blocks), citations, per-reply stats, actions.
// Both show "< 2/3 >" when the message has siblings (other branches).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

Item {
    id: root
    required property QtObject app
    required property QtObject theme
    required property int index
    required property var messageId
    required property string role
    required property string content
    required property string thinking
    required property bool thinkingOpen
    required property string status
    required property string errorMessage
    required property int siblingIndex
    required property int siblingCount
    required property double tokensPerSecond
    required property double ttftMs
    required property var contextUsed
    required property var contextSize
    required property var nTokens
    required property var reusedTokens
    required property var citations
    required property bool streaming
    required property QtObject blocks

    readonly property bool isUser: role === "user"
    readonly property QtObject chat: app.chat
    property bool editing: false
    property bool thinkingExpanded: false

    width: ListView.view ? ListView.view.width : 600
    height: column.implicitHeight + 24
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You: ") : qsTr("Farsight: ")) + content

    ColumnLayout {
        id: column
        width: Math.min(parent.width - 48, 860)
        anchors.horizontalCenter: parent.horizontalCenter
        y: 12
        spacing: 8

        // ---- user ----
        Rectangle {
            visible: root.isUser && !root.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: column.width * 0.8
            implicitWidth: userText.implicitWidth + 28
            implicitHeight: userText.implicitHeight + 20
            radius: 14
            color: root.theme.userBubble
            TextEdit {
                id: userText
                anchors.fill: parent
                anchors.margins: 10
                anchors.leftMargin: 14
                anchors.rightMargin: 14
                readOnly: true
                selectByMouse: true
                text: root.content
                wrapMode: Text.Wrap
                color: root.theme.text
                selectionColor: root.theme.selection
                selectedTextColor: root.theme.text
                font.pixelSize: root.theme.fontSize
                Accessible.name: qsTr("Your message")
                // Wrap at the bubble's maximum width, hug short messages.
                width: Math.min(implicitWidth, column.width * 0.8 - 28)
            }
        }

        ColumnLayout {
            visible: root.editing
            Layout.fillWidth: true
            spacing: 6
            TextArea {
                id: editor
                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                color: root.theme.text
                Accessible.name: qsTr("Edit your message")
                background: Rectangle {
                    radius: root.theme.radius
                    color: root.theme.surface
                    border.color: root.theme.accent
                }
                Keys.onEscapePressed: root.editing = false
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button {
                    text: qsTr("Cancel")
                    flat: true
                    onClicked: root.editing = false
                }
                Button {
                    text: qsTr("Send as a new branch")
                    highlighted: true
                    enabled: editor.text.trim().length > 0 && !root.chat.generating
                    onClicked: {
                        root.chat.editMessage(root.messageId, editor.text)
                        root.editing = false
                    }
                }
            }
        }

        // ---- assistant ----
        RowLayout {
            visible: !root.isUser
            spacing: 8
            Rectangle {
                width: 24; height: 24; radius: 12
                color: root.theme.accentSoft
                Image { anchors.centerIn: parent; source: "icons/farsight.svg"; sourceSize: Qt.size(16, 16) }
            }
            Label {
                text: "Farsight"
                font.weight: Font.DemiBold
                color: root.theme.text
            }
            Label {
                visible: root.streaming
                text: {
                    const c = root.chat
                    if (c.phase === "reading" && c.prefillTotal > 0)
                        return qsTr("reading the documents %1% · %2 · %3 left")
                            .arg(Math.floor(100 * c.prefillDone / c.prefillTotal))
                            .arg(Format.rate(c.prefillRate, "tok/s")).arg(Format.seconds(c.prefillSecondsLeft))
                    if (c.phase === "thinking" && c.prefillTotal > 0)
                        return qsTr("reading the prompt %1%").arg(Math.floor(100 * c.prefillDone / c.prefillTotal))
                    if (c.phase === "saving" || c.phase === "thinking") return qsTr("starting…")
                    return root.thinkingOpen ? qsTr("thinking…") : qsTr("writing…")
                }
                color: root.theme.muted
                font.pixelSize: root.theme.smallFont
            }
        }

        // The <think> section, collapsed.
        Rectangle {
            visible: !root.isUser && root.thinking.length > 0
            Layout.fillWidth: true
            implicitHeight: thinkColumn.implicitHeight + 12
            radius: root.theme.radius
            color: root.theme.raised
            ColumnLayout {
                id: thinkColumn
                anchors.fill: parent
                anchors.margins: 6
                spacing: 4
                ItemDelegate {
                    id: thinkToggle
                    Layout.fillWidth: true
                    padding: 4
                    Accessible.name: root.thinkingExpanded ? qsTr("Hide the reasoning") : qsTr("Show the reasoning")
                    onClicked: root.thinkingExpanded = !root.thinkingExpanded
                    background: null
                    contentItem: RowLayout {
                        spacing: 6
                        Image {
                            source: root.thinkingExpanded ? "icons/chevron-down.svg" : "icons/chevron-right.svg"
                            sourceSize: Qt.size(14, 14)
                            opacity: 0.6
                        }
                        Label {
                            text: root.thinkingOpen && root.streaming ? qsTr("Thinking…") : qsTr("Reasoning")
                            color: root.theme.muted
                            font.pixelSize: root.theme.smallFont
                            font.weight: Font.DemiBold
                        }
                        Label {
                            Layout.fillWidth: true
                            visible: !root.thinkingExpanded
                            text: root.thinking.replace(/\s+/g, " ")
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            color: root.theme.faint
                            font.pixelSize: root.theme.smallFont
                        }
                    }
                }
                TextEdit {
                    visible: root.thinkingExpanded
                    Layout.fillWidth: true
                    Layout.leftMargin: 24
                    readOnly: true
                    selectByMouse: true
                    text: root.thinking
                    wrapMode: Text.Wrap
                    color: root.theme.muted
                    font.pixelSize: root.theme.smallFont + 1
                }
            }
        }

        // The answer: Markdown runs, code blocks, tables and quotes (a list model that changes in
        // place while the reply streams, so only the growing block is laid out again).
        Repeater {
            model: root.isUser ? null : root.blocks
            delegate: AnswerBlock { theme: root.theme }
        }

        Label {
            visible: root.status === "error"
            Layout.fillWidth: true
            text: qsTr("Error: %1").arg(root.errorMessage)
            textFormat: Text.PlainText
            color: root.theme.danger
            wrapMode: Text.Wrap
        }

        // Citations: links to file/page/line; quotes that match nothing are flagged.
        Flow {
            visible: !root.isUser && root.citations.length > 0
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: root.citations
                delegate: Button {
                    id: cite
                    required property var modelData
                    flat: true
                    padding: 4
                    leftPadding: 8
                    rightPadding: 8
                    enabled: modelData.matched
                    Accessible.name: modelData.matched ? qsTr("Source: %1").arg(modelData.label)
                                                       : qsTr("Quote not found in the documents: %1").arg(modelData.quote)
                    ToolTip.visible: hovered
                    ToolTip.delay: 300
                    ToolTip.text: Format.plain("“" + modelData.quote + "”")
                    onClicked: if (modelData.url) Qt.openUrlExternally(modelData.url)
                    contentItem: RowLayout {
                        spacing: 4
                        Image {
                            source: cite.modelData.matched ? "icons/link.svg" : "icons/warning.svg"
                            sourceSize: Qt.size(13, 13)
                            opacity: 0.7
                        }
                        Label {
                            textFormat: Text.PlainText
                            text: cite.modelData.matched ? cite.modelData.label
                                                         : qsTr("not in the documents: “%1”").arg(cite.modelData.quote.length > 40 ? cite.modelData.quote.slice(0, 40) + "…" : cite.modelData.quote)
                            color: cite.modelData.matched ? root.theme.accent : root.theme.warning
                            font.pixelSize: root.theme.smallFont
                        }
                    }
                    background: Rectangle {
                        radius: 12
                        color: cite.modelData.matched ? root.theme.accentSoft : root.theme.warningSoft
                        opacity: cite.hovered ? 1.0 : 0.8
                    }
                }
            }
        }

        // Stats, status and actions.
        RowLayout {
            Layout.fillWidth: true
            spacing: 2
            layoutDirection: root.isUser ? Qt.RightToLeft : Qt.LeftToRight
            visible: !root.editing

            IconButton {
                theme: root.theme
                visible: root.siblingCount > 1
                iconName: "chevron-left"
                size: 26
                enabled: root.siblingIndex > 0 && !root.chat.generating
                tip: qsTr("Previous branch")
                onClicked: root.chat.switchBranch(root.messageId, -1)
            }
            Label {
                visible: root.siblingCount > 1
                text: (root.siblingIndex + 1) + " / " + root.siblingCount
                color: root.theme.muted
                font.pixelSize: root.theme.smallFont
                Accessible.name: qsTr("Branch %1 of %2").arg(root.siblingIndex + 1).arg(root.siblingCount)
            }
            IconButton {
                theme: root.theme
                visible: root.siblingCount > 1
                iconName: "chevron-right"
                size: 26
                enabled: root.siblingIndex + 1 < root.siblingCount && !root.chat.generating
                tip: qsTr("Next branch")
                onClicked: root.chat.switchBranch(root.messageId, 1)
            }
            IconButton {
                theme: root.theme
                iconName: "copy"
                size: 26
                visible: !root.streaming
                tip: qsTr("Copy")
                onClicked: root.chat.copyMessage(root.messageId)
            }
            IconButton {
                theme: root.theme
                visible: root.isUser && !root.chat.generating
                iconName: "edit"
                size: 26
                tip: qsTr("Edit (starts a new branch)")
                onClicked: { editor.text = root.content; root.editing = true; editor.forceActiveFocus() }
            }
            IconButton {
                theme: root.theme
                visible: !root.isUser && !root.streaming && !root.chat.generating
                iconName: "refresh"
                size: 26
                tip: qsTr("Regenerate (keeps this answer as a branch)")
                onClicked: root.chat.regenerate(root.messageId)
            }
            Label {
                visible: root.status === "interrupted"
                text: qsTr("interrupted")
                color: root.theme.warning
                font.pixelSize: root.theme.smallFont
                leftPadding: 6
            }
            Label {
                visible: !root.isUser && !root.streaming && root.nTokens > 0
                Layout.fillWidth: true
                leftPadding: 6
                elide: Text.ElideRight
                color: root.theme.faint
                font.pixelSize: root.theme.smallFont
                text: {
                    let parts = [root.tokensPerSecond.toFixed(1) + " tok/s",
                                 qsTr("first token %1 ms").arg(Math.round(root.ttftMs))]
                    if (root.contextUsed > 0)
                        parts.push(root.contextSize > 0 ? qsTr("context %1 / %2").arg(Format.count(root.contextUsed)).arg(Format.count(root.contextSize))
                                                        : qsTr("context %1").arg(Format.count(root.contextUsed)))
                    if (root.reusedTokens > 0) parts.push(qsTr("reused %1 prefilled").arg(Format.count(root.reusedTokens)))
                    return parts.join("  ·  ")
                }
            }
            Item { Layout.fillWidth: true; visible: root.isUser || root.streaming || root.nTokens <= 0 }
        }
    }
}
