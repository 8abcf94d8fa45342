// The right column: Documents and Model pages.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: side
    required property QtObject app
    required property QtObject theme
    property string page: "documents"   // "documents" or "model"
    signal attachRequested()
    signal openFolderRequested()
    signal openFileRequested()

    color: theme.sidebar
    Rectangle { width: 1; height: parent.height; color: side.theme.border }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10
        TabBar {
            id: tabs
            Layout.fillWidth: true
            currentIndex: side.page === "model" ? 1 : 0
            onCurrentIndexChanged: side.page = currentIndex === 1 ? "model" : "documents"
            background: Rectangle {
                color: "transparent"
                Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: side.theme.border }
            }
            component PanelTab: TabButton {
                id: tab
                contentItem: Label {
                    text: tab.text
                    horizontalAlignment: Text.AlignHCenter
                    color: tab.checked ? side.theme.text : side.theme.muted
                    font.weight: tab.checked ? Font.DemiBold : Font.Normal
                }
                background: Rectangle {
                    color: tab.hovered && !tab.checked ? side.theme.hover : "transparent"
                    radius: 6
                    Rectangle {
                        anchors.bottom: parent.bottom
                        width: parent.width
                        height: 2
                        color: side.theme.accent
                        visible: tab.checked
                    }
                }
            }
            PanelTab { text: qsTr("Documents"); Accessible.name: qsTr("Documents panel (Ctrl+D)") }
            PanelTab { text: qsTr("Model"); Accessible.name: qsTr("Model panel (Ctrl+M)") }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            DocumentsPanel {
                app: side.app
                theme: side.theme
                onAttachRequested: side.attachRequested()
            }
            ScrollView {
                id: modelScroll
                clip: true
                contentWidth: availableWidth
                ModelPanel {
                    width: modelScroll.availableWidth
                    app: side.app
                    theme: side.theme
                    onOpenFolderRequested: side.openFolderRequested()
                    onOpenFileRequested: side.openFileRequested()
                }
            }
        }
    }
}
