// Colours, sizes and fonts of the light and dark themes; one instance lives in Main.qml and is
// handed to every view as `theme`.
import QtQuick

QtObject {
    property bool dark: false

    readonly property color background: dark ? "#16181c" : "#f7f7f8"
    readonly property color surface: dark ? "#1e2127" : "#ffffff"
    readonly property color sidebar: dark ? "#121417" : "#eff1f4"
    readonly property color raised: dark ? "#262a31" : "#f3f4f6"
    readonly property color border: dark ? "#2f343c" : "#e1e4e8"
    readonly property color text: dark ? "#e6e8eb" : "#1f2328"
    readonly property color muted: dark ? "#9198a1" : "#59636e"
    readonly property color faint: dark ? "#6b727c" : "#8c959f"
    readonly property color accent: dark ? "#7aa2ff" : "#3461e8"
    readonly property color accentText: "#ffffff"
    readonly property color accentSoft: dark ? "#243352" : "#e7eeff"
    readonly property color userBubble: dark ? "#263250" : "#e9efff"
    readonly property color selection: dark ? "#2b3a5c" : "#dbe6ff"
    readonly property color hover: dark ? "#23272e" : "#e6e9ee"
    readonly property color code: dark ? "#262a31" : "#f3f4f6"
    readonly property color danger: dark ? "#ff7b72" : "#cf222e"
    readonly property color dangerSoft: dark ? "#3d1f22" : "#ffebe9"
    readonly property color warning: dark ? "#e3b341" : "#9a6700"
    readonly property color warningSoft: dark ? "#3b3020" : "#fff8c5"
    readonly property color success: dark ? "#56d364" : "#1a7f37"
    readonly property color successSoft: dark ? "#1d3324" : "#dafbe1"
    readonly property color infoSoft: dark ? "#1f2b40" : "#ddf4ff"

    readonly property int radius: 8
    readonly property int spacing: 8
    readonly property int fontSize: 14
    readonly property int smallFont: 12
    readonly property string monoFamily: "DejaVu Sans Mono"
}
