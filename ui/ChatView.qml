// The middle column: the conversation's title bar (rename, export, panels), the banner, the
// messages of the shown branch (following the stream) and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

Rectangle {
    id: view
    required property QtObject app
    required property QtObject theme
    readonly property QtObject chat: app.chat
    property alias composer: composer
    property alias messageList: messages
    signal attachRequested()
    signal exportRequested(string format)
    signal panelRequested(string page)

    color: theme.background

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Title bar.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 52
            color: view.theme.background
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: view.theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 8
                spacing: 4
                Label {
                    id: title
                    Layout.fillWidth: true
                    visible: !titleEdit.visible
                    text: view.chat.title || qsTr("New chat")
                    textFormat: Text.PlainText
                    font.pixelSize: 16
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                    color: view.theme.text
                    Accessible.role: Accessible.Heading
                    MouseArea {
                        anchors.fill: parent
                        enabled: view.chat.conversationId > 0
                        onDoubleClicked: { titleEdit.text = view.chat.title; titleEdit.visible = true; titleEdit.forceActiveFocus() }
                    }
                }
                TextField {
                    id: titleEdit
                    visible: false
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Conversation title")
                    onAccepted: { view.app.conversations.rename(view.chat.conversationId, text); visible = false }
                    onActiveFocusChanged: if (!activeFocus) visible = false
                    Keys.onEscapePressed: visible = false
                }
                Rectangle {
                    visible: view.app.fakeEngine
                    implicitWidth: fakeLabel.implicitWidth + 16
                    implicitHeight: 22
                    radius: 11
                    color: view.theme.warningSoft
                    Label {
                        id: fakeLabel
                        anchors.centerIn: parent
                        text: qsTr("offline demo engine")
                        color: view.theme.warning
                        font.pixelSize: view.theme.smallFont
                    }
                }
                Button {
                    id: modelChip
                    flat: true
                    Accessible.name: qsTr("Model: %1").arg(text)
                    text: view.app.models.loaded ? view.app.models.name + " · " + Format.compact(view.app.models.loadedContext) + " ctx"
                          : view.app.models.state === "loading" ? qsTr("Loading %1%").arg(Math.round(view.app.models.loadProgress * 100))
                          : qsTr("No model loaded")
                    onClicked: view.panelRequested("model")
                    contentItem: RowLayout {
                        spacing: 6
                        Rectangle {
                            width: 8; height: 8; radius: 4
                            color: view.app.models.loaded ? view.theme.success : view.app.models.busy ? view.theme.warning : view.theme.faint
                        }
                        Label { textFormat: Text.PlainText; text: modelChip.text; color: view.theme.muted; font.pixelSize: view.theme.smallFont }
                    }
                    background: Rectangle {
                        radius: 14
                        color: modelChip.hovered ? view.theme.hover : "transparent"
                        border.color: view.theme.border
                    }
                }
                IconButton {
                    theme: view.theme
                    iconName: "export"
                    tip: qsTr("Export this conversation")
                    enabled: view.chat.conversationId > 0
                    onClicked: exportMenu.popup()
                    Menu {
                        id: exportMenu
                        MenuItem { text: qsTr("Export as Markdown…"); onTriggered: view.exportRequested("markdown") }
                        MenuItem { text: qsTr("Export as JSON…"); onTriggered: view.exportRequested("json") }
                    }
                }
                IconButton {
                    theme: view.theme
                    iconName: "panel"
                    tip: qsTr("Documents and model panel")
                    onClicked: view.panelRequested("")
                }
            }
        }

        Banner {
            Layout.fillWidth: true
            Layout.margins: visible ? 12 : 0
            Layout.bottomMargin: 0
            theme: view.theme
            text: view.app.banner
            kind: view.app.bannerKind || "info"
            onDismissed: view.app.dismissBanner()
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ListView {
                id: messages
                objectName: "messageList"
                anchors.fill: parent
                clip: true
                model: view.chat.messages
                cacheBuffer: 2000
                boundsBehavior: Flickable.StopAtBounds
                Accessible.name: qsTr("Messages")
                Accessible.role: Accessible.List
                ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
                property bool follow: true
                onMovementEnded: follow = atYEnd
                onCountChanged: { follow = true; Qt.callLater(positionViewAtEnd) }
                onContentHeightChanged: if (follow) Qt.callLater(positionViewAtEnd)
                delegate: MessageDelegate { app: view.app; theme: view.theme }
                footer: Item { width: 1; height: 12 }
            }

            // Empty state.
            ColumnLayout {
                visible: messages.count === 0 && !view.chat.loading
                anchors.centerIn: parent
                spacing: 8
                Image {
                    Layout.alignment: Qt.AlignHCenter
                    source: "icons/farsight.svg"
                    sourceSize: Qt.size(56, 56)
                }
                Label {
                    Layout.alignment: Qt.AlignHCenter
                    text: qsTr("Ask about whole documents")
                    font.pixelSize: 22
                    font.weight: Font.DemiBold
                    color: view.theme.text
                }
                Label {
                    Layout.alignment: Qt.AlignHCenter
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("Attach TXT, Markdown or PDF files — a million tokens and more go into the context whole.\nEverything stays on this computer.")
                    color: view.theme.muted
                }
            }

        }

        Composer {
            id: composer
            app: view.app
            theme: view.theme
            Layout.fillWidth: true
            Layout.maximumWidth: 860
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 24
            Layout.rightMargin: 24
            Layout.bottomMargin: 16
            Layout.topMargin: 4
            onAttachRequested: view.attachRequested()
            onDocumentsRequested: view.panelRequested("documents")
        }
    }
}
