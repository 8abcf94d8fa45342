// The model: open a folder or file, see what it is and its memory plan for the chosen context before
// loading, load/unload with progress; below, this chat's system prompt and sampling settings.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

ColumnLayout {
    id: panel
    required property QtObject app
    required property QtObject theme
    readonly property QtObject models: app.models
    readonly property QtObject chat: app.chat
    signal openFolderRequested()
    signal openFileRequested()
    spacing: 10

    component Field: RowLayout {
        property string name
        property string value
        Layout.fillWidth: true
        Label { text: parent.name; color: panel.theme.muted; font.pixelSize: panel.theme.smallFont; Layout.preferredWidth: 110 }
        Label { textFormat: Text.PlainText; text: parent.value; color: panel.theme.text; font.pixelSize: panel.theme.smallFont; Layout.fillWidth: true; elide: Text.ElideMiddle }
    }
    component PlanBar: ColumnLayout {
        property string name
        property double bytes
        property color tint
        Layout.fillWidth: true
        spacing: 2
        RowLayout {
            Label { text: parent.parent.name; color: panel.theme.muted; font.pixelSize: panel.theme.smallFont; Layout.fillWidth: true }
            Label { text: Format.bytes(parent.parent.bytes); color: panel.theme.text; font.pixelSize: panel.theme.smallFont }
        }
        Rectangle {
            Layout.fillWidth: true
            height: 6
            radius: 3
            color: panel.theme.raised
            Rectangle {
                height: parent.height
                radius: 3
                color: parent.parent.tint
                width: panel.models.totalBytes > 0 ? parent.width * parent.parent.bytes / panel.models.totalBytes : 0
            }
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: qsTr("Open")
            color: panel.theme.faint
            font.pixelSize: panel.theme.smallFont
        }
        Button { text: qsTr("Folder…"); icon.source: "icons/folder.svg"; icon.width: 16; icon.height: 16; onClicked: panel.openFolderRequested(); Accessible.name: qsTr("Open a model folder") }
        Button { text: qsTr("File…"); icon.source: "icons/file.svg"; icon.width: 16; icon.height: 16; onClicked: panel.openFileRequested(); Accessible.name: qsTr("Open a model file") }
    }

    Label {
        visible: panel.models.state === "empty"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("Open a model folder (config.json + safetensors) or a GGUF file. Farsight shows what it needs before loading anything.")
        color: panel.theme.faint
    }
    Label {
        visible: panel.models.error.length > 0
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: panel.models.error
        textFormat: Text.PlainText
        color: panel.theme.danger
        font.pixelSize: panel.theme.smallFont
    }

    ColumnLayout {
        visible: panel.models.architecture.length > 0
        Layout.fillWidth: true
        spacing: 4
        Label { textFormat: Text.PlainText; text: panel.models.name; font.weight: Font.DemiBold; color: panel.theme.text; elide: Text.ElideMiddle; Layout.fillWidth: true }
        Field { name: qsTr("Architecture"); value: panel.models.architecture + (panel.models.modelType ? " (" + panel.models.modelType + ")" : "") }
        Field {
            name: qsTr("Parameters")
            value: Format.compact(panel.models.parameters) + (panel.models.activeParameters > 0 && panel.models.activeParameters < panel.models.parameters
                   ? qsTr(" (%1 active)").arg(Format.compact(panel.models.activeParameters)) : "")
        }
        Field { name: qsTr("Weights"); value: panel.models.dtype }
        Field { name: qsTr("Layers"); value: String(panel.models.layers) }
        Field { name: qsTr("Trained context"); value: panel.models.trainedContext > 0 ? Format.count(panel.models.trainedContext) + qsTr(" tokens") : qsTr("unknown") }

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 6
            Label { text: qsTr("Context"); color: panel.theme.muted; font.pixelSize: panel.theme.smallFont; Layout.preferredWidth: 110 }
            SpinBox {
                id: contextBox
                Layout.fillWidth: true
                editable: true
                from: 256
                to: panel.models.maxContext
                stepSize: 8192
                value: panel.models.contextLength
                enabled: !panel.models.busy
                Accessible.name: qsTr("Context length in tokens")
                onValueModified: panel.models.contextLength = value
                textFromValue: (v) => Format.count(v)
                valueFromText: (t) => parseInt(t.replace(/[^0-9]/g, ""))
            }
        }

        Label { text: qsTr("Memory plan"); color: panel.theme.text; font.weight: Font.DemiBold; Layout.topMargin: 6 }
        PlanBar { name: qsTr("Weights"); bytes: panel.models.weightsBytes; tint: panel.theme.accent }
        PlanBar { name: qsTr("KV cache (context)"); bytes: panel.models.kvBytes; tint: panel.theme.warning }
        PlanBar { name: qsTr("Lightning state"); bytes: panel.models.stateBytes; tint: panel.theme.success }
        PlanBar { name: qsTr("Activations"); bytes: panel.models.activationsBytes; tint: panel.theme.muted }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: panel.theme.smallFont
            readonly property bool tight: panel.models.hostMemoryBytes > 0 && panel.models.totalBytes > panel.models.hostMemoryBytes
            color: tight ? panel.theme.warning : panel.theme.muted
            text: qsTr("Total %1").arg(Format.bytes(panel.models.totalBytes))
                  + (panel.models.hostMemoryBytes > 0 ? qsTr(" · this computer has %1 of RAM").arg(Format.bytes(panel.models.hostMemoryBytes)) : "")
                  + (tight ? qsTr(" — choose a smaller context, or a quantized model") : "")
        }

        ProgressBar {
            visible: panel.models.state === "loading"
            Layout.fillWidth: true
            value: panel.models.loadProgress
            Accessible.name: qsTr("Loading progress")
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button {
                visible: panel.models.state === "loading"
                text: qsTr("Cancel")
                onClicked: panel.models.cancelLoad()
            }
            Button {
                visible: panel.models.loaded
                text: qsTr("Unload")
                onClicked: panel.models.unload()
            }
            Button {
                visible: !panel.models.loaded && panel.models.state !== "loading"
                enabled: !panel.models.busy
                highlighted: true
                text: qsTr("Load")
                Accessible.name: qsTr("Load the model")
                onClicked: panel.models.load()
            }
        }
    }

    Rectangle { Layout.fillWidth: true; height: 1; color: panel.theme.border; Layout.topMargin: 4 }

    Label { text: qsTr("This chat"); font.weight: Font.DemiBold; color: panel.theme.text }
    TextArea {
        id: prompt
        Layout.fillWidth: true
        Layout.preferredHeight: Math.max(64, implicitHeight)
        placeholderText: qsTr("System prompt (optional)")
        wrapMode: TextEdit.Wrap
        text: panel.chat.systemPrompt
        color: panel.theme.text
        Accessible.name: qsTr("System prompt for this chat")
        onEditingFinished: panel.chat.systemPrompt = text
        background: Rectangle { radius: 6; color: panel.theme.surface; border.color: prompt.activeFocus ? panel.theme.accent : panel.theme.border }
    }
    GridLayout {
        Layout.fillWidth: true
        columns: 3
        columnSpacing: 8
        Label { text: qsTr("Temperature"); color: panel.theme.muted; font.pixelSize: panel.theme.smallFont }
        Slider {
            Layout.fillWidth: true
            from: 0; to: 2; stepSize: 0.05
            value: panel.chat.temperature
            onMoved: panel.chat.temperature = value
            Accessible.name: qsTr("Temperature")
        }
        Label { text: panel.chat.temperature.toFixed(2); color: panel.theme.text; font.pixelSize: panel.theme.smallFont }
        Label { text: qsTr("Top-p"); color: panel.theme.muted; font.pixelSize: panel.theme.smallFont }
        Slider {
            Layout.fillWidth: true
            from: 0; to: 1; stepSize: 0.01
            value: panel.chat.topP
            onMoved: panel.chat.topP = value
            Accessible.name: qsTr("Top-p")
        }
        Label { text: panel.chat.topP.toFixed(2); color: panel.theme.text; font.pixelSize: panel.theme.smallFont }
        Label { text: qsTr("Top-k"); color: panel.theme.muted; font.pixelSize: panel.theme.smallFont }
        SpinBox {
            Layout.columnSpan: 2
            from: 0; to: 1000
            value: panel.chat.topK
            editable: true
            onValueModified: panel.chat.topK = value
            Accessible.name: qsTr("Top-k")
        }
        Label { text: qsTr("Max reply tokens"); color: panel.theme.muted; font.pixelSize: panel.theme.smallFont }
        SpinBox {
            Layout.columnSpan: 2
            from: 1; to: 131072; stepSize: 256
            value: panel.chat.maxTokens
            editable: true
            onValueModified: panel.chat.maxTokens = value
            Accessible.name: qsTr("Maximum reply tokens")
        }
    }
    Item { Layout.fillHeight: true }
}
