// The message box: the autosaved draft, attach, send (Enter) / stop (Esc), and a line saying what
// the next question will carry (documents, fit, reused prefill).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

Rectangle {
    id: composer
    required property QtObject app
    required property QtObject theme
    readonly property QtObject chat: app.chat
    readonly property QtObject documents: app.documents
    property alias input: input
    signal attachRequested()
    signal documentsRequested()

    implicitHeight: column.implicitHeight + 20
    radius: 16
    color: theme.surface
    border.color: input.activeFocus ? theme.accent : theme.border
    border.width: 1

    function focusInput() { input.forceActiveFocus() }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6

        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 220)
            TextArea {
                id: input
                objectName: "composerInput"
                placeholderText: composer.app.models.loaded ? qsTr("Ask about your documents…  (Enter to send, Shift+Enter for a new line)")
                                                            : qsTr("Open a model to start (Models panel, Ctrl+M)")
                placeholderTextColor: composer.theme.faint
                wrapMode: TextEdit.Wrap
                color: composer.theme.text
                selectionColor: composer.theme.selection
                font.pixelSize: composer.theme.fontSize
                background: null
                Accessible.name: qsTr("Message")
                Accessible.description: qsTr("Enter sends, Shift+Enter starts a new line")
                text: composer.chat.draft
                onTextChanged: if (text !== composer.chat.draft) composer.chat.draft = text
                Connections {
                    target: composer.chat
                    function onDraftChanged() {
                        if (input.text !== composer.chat.draft) input.text = composer.chat.draft
                    }
                }
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        composer.chat.send()
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 6
            IconButton {
                theme: composer.theme
                iconName: "attach"
                tip: qsTr("Attach documents (Ctrl+O)")
                onClicked: composer.attachRequested()
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                font.pixelSize: composer.theme.smallFont
                color: composer.documents.hasDocuments && !composer.documents.fits ? composer.theme.warning : composer.theme.muted
                text: {
                    const d = composer.documents
                    const n = d.attachments.count
                    if (n === 0) return ""
                    const docs = n === 1 ? qsTr("1 document") : qsTr("%1 documents").arg(n)
                    if (d.busy) return qsTr("Reading %1…").arg(docs)
                    let s = qsTr("%1 · %2%3 tokens").arg(docs).arg(d.estimated ? "≈" : "").arg(Format.count(d.totalTokens))
                    if (d.contextSize > 0) s += d.fits ? qsTr(" · fits") : qsTr(" · does not fit: choose in Documents")
                    if (composer.chat.reusedTokens > 0) s += qsTr(" · reusing %1 prefilled tokens").arg(Format.count(composer.chat.reusedTokens))
                    return s
                }
                MouseArea {
                    anchors.fill: parent
                    enabled: parent.text.length > 0
                    cursorShape: Qt.PointingHandCursor
                    onClicked: composer.documentsRequested()
                }
            }
            RoundButton {
                id: sendButton
                objectName: "sendButton"
                readonly property bool stopping: composer.chat.generating
                implicitWidth: 36
                implicitHeight: 36
                enabled: stopping || (input.text.trim().length > 0 && composer.app.models.loaded)
                icon.source: stopping ? "icons/stop.svg" : "icons/send.svg"
                icon.color: composer.theme.accentText
                icon.width: 18
                icon.height: 18
                Accessible.name: stopping ? qsTr("Stop (Esc)") : qsTr("Send (Enter)")
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: Accessible.name
                onClicked: stopping ? composer.chat.stop() : composer.chat.send()
                background: Rectangle {
                    radius: 18
                    color: sendButton.enabled ? (sendButton.stopping ? composer.theme.text : composer.theme.accent) : composer.theme.border
                }
            }
        }
    }
}
