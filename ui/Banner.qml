// A message across the top of the chat: crash recovery, a damaged database, a storage error.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: banner
    required property QtObject theme
    property string text: ""
    property string kind: "info"   // "info", "warning", "error"
    signal dismissed()

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    radius: theme.radius
    color: kind === "error" ? theme.dangerSoft : kind === "warning" ? theme.warningSoft : theme.infoSoft
    border.color: kind === "error" ? theme.danger : kind === "warning" ? theme.warning : theme.accent
    border.width: 1
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        spacing: 8
        Image {
            source: banner.kind === "info" ? "icons/info.svg" : "icons/warning.svg"
            sourceSize: Qt.size(18, 18)
            Layout.alignment: Qt.AlignTop
            opacity: 0.7
        }
        Label {
            Layout.fillWidth: true
            text: banner.text
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            color: banner.theme.text
            font.pixelSize: banner.theme.fontSize - 1
        }
        IconButton {
            theme: banner.theme
            iconName: "close"
            tip: qsTr("Dismiss")
            size: 26
            onClicked: banner.dismissed()
        }
    }
}
