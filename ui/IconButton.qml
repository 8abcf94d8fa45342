// A flat icon button with a tooltip; its tooltip text is also its accessible name.
import QtQuick
import QtQuick.Controls

ToolButton {
    id: control
    required property QtObject theme
    property string iconName: ""
    property string tip: ""
    property color tint: theme.muted
    property int size: 32

    implicitWidth: size
    implicitHeight: size
    padding: 6
    display: AbstractButton.IconOnly
    icon.source: iconName ? "icons/" + iconName + ".svg" : ""
    icon.width: 18
    icon.height: 18
    icon.color: enabled ? (hovered ? theme.text : tint) : theme.faint
    focusPolicy: Qt.TabFocus
    Accessible.name: tip
    Accessible.role: Accessible.Button
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.delay: 500
    ToolTip.text: tip
    background: Rectangle {
        radius: 6
        color: control.down ? control.theme.selection : (control.hovered || control.visualFocus) ? control.theme.hover : "transparent"
        border.width: control.visualFocus ? 1 : 0
        border.color: control.theme.accent
    }
}
