// A short message at the bottom of the window, with an optional action (e.g. "Undo").
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: bar
    required property QtObject theme
    property string text: ""
    property string actionText: ""
    signal actionTriggered()

    function show(message, action, timeoutMs) {
        text = message
        actionText = action || ""
        hideTimer.interval = timeoutMs || 4000
        hideTimer.restart()
        opacity = 1
    }
    function hide() { opacity = 0 }

    visible: opacity > 0
    opacity: 0
    Behavior on opacity { NumberAnimation { duration: 150 } }
    width: Math.min(row.implicitWidth + 32, parent ? parent.width - 48 : 600)
    height: row.implicitHeight + 20
    radius: theme.radius
    color: theme.dark ? "#e6e8eb" : "#24292f"
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    Timer { id: hideTimer; onTriggered: bar.hide() }

    RowLayout {
        id: row
        anchors.centerIn: parent
        width: parent.width - 32
        spacing: 16
        Label {
            Layout.fillWidth: true
            text: bar.text
            textFormat: Text.PlainText
            color: bar.theme.dark ? "#1f2328" : "#ffffff"
            elide: Text.ElideRight
        }
        Button {
            visible: bar.actionText.length > 0
            text: bar.actionText
            flat: true
            Accessible.name: bar.actionText
            contentItem: Label {
                text: parent.text
                font.bold: true
                color: bar.theme.dark ? "#3461e8" : "#9cb8ff"
            }
            background: null
            onClicked: { bar.actionTriggered(); bar.hide() }
        }
    }
}
