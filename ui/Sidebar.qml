// The left column: new chat, search across all chats, the conversation list (with pin/delete),
// import and the theme switch.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: sidebar
    required property QtObject app
    required property QtObject theme
    property alias searchField: search
    signal importRequested()

    color: theme.sidebar
    readonly property QtObject conversations: app.conversations
    readonly property QtObject chat: app.chat

    function focusSearch() { search.forceActiveFocus(); search.selectAll() }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            spacing: 8
            Image {
                source: "icons/farsight.svg"
                sourceSize: Qt.size(28, 28)
                Accessible.ignored: true
            }
            Label {
                text: "Farsight"
                font.pixelSize: 18
                font.weight: Font.DemiBold
                color: sidebar.theme.text
                Layout.fillWidth: true
            }
        }

        Button {
            id: newChat
            Layout.fillWidth: true
            text: qsTr("New chat")
            Accessible.name: qsTr("New chat (Ctrl+N)")
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: qsTr("New chat (Ctrl+N)")
            onClicked: sidebar.chat.newConversation()
            contentItem: Label {
                text: "+  " + newChat.text
                color: sidebar.theme.accentText
                font.weight: Font.DemiBold
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                implicitHeight: 36
                radius: sidebar.theme.radius
                color: newChat.down ? Qt.darker(sidebar.theme.accent, 1.15) : newChat.hovered ? Qt.lighter(sidebar.theme.accent, 1.08) : sidebar.theme.accent
            }
        }

        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search all chats  (Ctrl+K)")
            Accessible.name: qsTr("Search all chats")
            text: sidebar.conversations.searchQuery
            onTextEdited: sidebar.conversations.searchQuery = text
            Keys.onEscapePressed: { text = ""; sidebar.conversations.searchQuery = "" }
            leftPadding: 32
            color: sidebar.theme.text
            placeholderTextColor: sidebar.theme.faint
            background: Rectangle {
                implicitHeight: 34
                radius: sidebar.theme.radius
                color: sidebar.theme.surface
                border.color: search.activeFocus ? sidebar.theme.accent : sidebar.theme.border
                Image {
                    source: "icons/search.svg"
                    sourceSize: Qt.size(16, 16)
                    anchors.verticalCenter: parent.verticalCenter
                    x: 10
                    opacity: 0.5
                }
            }
        }

        // Conversations, or search hits while searching.
        ListView {
            id: list
            objectName: "conversationList"
            visible: !sidebar.conversations.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sidebar.conversations.conversations
            spacing: 2
            Accessible.name: qsTr("Conversations")
            Accessible.role: Accessible.List
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            section.property: "section"
            section.delegate: Label {
                required property string section
                text: section
                color: sidebar.theme.faint
                font.pixelSize: sidebar.theme.smallFont
                font.weight: Font.DemiBold
                topPadding: 10
                bottomPadding: 4
                leftPadding: 8
            }
            delegate: ItemDelegate {
                id: row
                required property var conversationId
                required property string title
                required property bool pinned
                width: ListView.view.width
                height: 36
                readonly property bool current: conversationId === sidebar.chat.conversationId
                Accessible.name: title
                onClicked: sidebar.chat.openConversation(conversationId)
                background: Rectangle {
                    radius: 6
                    color: row.current ? sidebar.theme.selection : row.hovered ? sidebar.theme.hover : "transparent"
                }
                contentItem: RowLayout {
                    spacing: 4
                    Label {
                        Layout.fillWidth: true
                        text: row.title
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        color: sidebar.theme.text
                        font.weight: row.current ? Font.DemiBold : Font.Normal
                    }
                    IconButton {
                        theme: sidebar.theme
                        visible: row.hovered || row.pinned
                        iconName: "pin"
                        size: 24
                        tint: row.pinned ? sidebar.theme.accent : sidebar.theme.muted
                        tip: row.pinned ? qsTr("Unpin") : qsTr("Pin")
                        onClicked: sidebar.conversations.setPinned(row.conversationId, !row.pinned)
                    }
                    IconButton {
                        theme: sidebar.theme
                        visible: row.hovered
                        iconName: "trash"
                        size: 24
                        tip: qsTr("Delete conversation")
                        onClicked: sidebar.conversations.remove(row.conversationId)
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("No conversations yet")
                color: sidebar.theme.faint
            }
        }

        ListView {
            id: results
            visible: sidebar.conversations.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sidebar.conversations.searchResults
            spacing: 4
            Accessible.name: qsTr("Search results")
            Accessible.role: Accessible.List
            delegate: ItemDelegate {
                id: hit
                required property var conversationId
                required property string conversationTitle
                required property string snippet
                required property string role
                width: ListView.view.width
                Accessible.name: conversationTitle
                onClicked: sidebar.chat.openConversation(conversationId)
                background: Rectangle { radius: 6; color: hit.hovered ? sidebar.theme.hover : "transparent" }
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: hit.conversationTitle
                        textFormat: Text.PlainText
                        font.weight: Font.DemiBold
                        elide: Text.ElideRight
                        color: sidebar.theme.text
                    }
                    Label {
                        Layout.fillWidth: true
                        text: (hit.role === "user" ? qsTr("You: ") : "") + hit.snippet
                        textFormat: Text.StyledText
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        color: sidebar.theme.muted
                        font.pixelSize: sidebar.theme.smallFont
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: results.count === 0
                text: qsTr("No matches")
                color: sidebar.theme.faint
            }
        }

        RowLayout {
            spacing: 4
            IconButton {
                theme: sidebar.theme
                iconName: "import"
                tip: qsTr("Import a conversation (JSON)")
                onClicked: sidebar.importRequested()
            }
            Item { Layout.fillWidth: true }
            IconButton {
                theme: sidebar.theme
                iconName: sidebar.theme.dark ? "sun" : "moon"
                tip: sidebar.theme.dark ? qsTr("Light theme (Ctrl+Shift+L)") : qsTr("Dark theme (Ctrl+Shift+L)")
                onClicked: sidebar.app.settings.theme = sidebar.theme.dark ? "light" : "dark"
            }
        }
    }
}
