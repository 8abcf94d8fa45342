// The main window: sidebar | chat | side panel (documents, model). Owns the theme, the file
// dialogs, the keyboard shortcuts, drag and drop, the snackbar and the remembered window state.
// `app` is the AppContext (app/services/app_context.h), set by main.cpp.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtQuick.Window

ApplicationWindow {
    id: window
    required property QtObject app
    readonly property QtObject settings: app.settings

    title: app.chat.title ? app.chat.title + " — Farsight" : "Farsight"
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    color: theme.background

    Theme { id: theme; dark: window.settings.dark }

    palette {
        window: theme.background
        windowText: theme.text
        base: theme.surface
        alternateBase: theme.raised
        text: theme.text
        button: theme.raised
        buttonText: theme.text
        highlight: theme.accent
        highlightedText: theme.accentText
        placeholderText: theme.faint
        mid: theme.border
        dark: theme.border
        light: theme.surface
        midlight: theme.raised
        toolTipBase: theme.surface
        toolTipText: theme.text
    }

    // Window state: restored at start, saved when it changes (a crash keeps the last state too).
    Component.onCompleted: {
        const g = settings.windowGeometry
        width = Math.max(minimumWidth, g.width)
        height = Math.max(minimumHeight, g.height)
        if (g.x > 0 || g.y > 0) { x = g.x; y = g.y }
        if (settings.windowMaximized) showMaximized()
        chatView.composer.focusInput()
    }
    Timer {
        id: saveGeometry
        interval: 800
        onTriggered: {
            window.settings.windowMaximized = window.visibility === Window.Maximized
            if (window.visibility === Window.Windowed)
                window.settings.windowGeometry = Qt.rect(window.x, window.y, window.width, window.height)
        }
    }
    onXChanged: saveGeometry.restart()
    onYChanged: saveGeometry.restart()
    onWidthChanged: saveGeometry.restart()
    onHeightChanged: saveGeometry.restart()
    onVisibilityChanged: saveGeometry.restart()
    onClosing: { saveGeometry.stop(); saveGeometry.triggered(); window.settings.sync() }

    function showPanel(page) {
        if (page === "" ) { settings.sidePanelVisible = !settings.sidePanelVisible; return }
        if (settings.sidePanelVisible && settings.sidePanelPage === page) { settings.sidePanelVisible = false; return }
        settings.sidePanelPage = page
        settings.sidePanelVisible = true
    }

    Shortcut { sequences: [StandardKey.New]; onActivated: { app.chat.newConversation(); chatView.composer.focusInput() } }
    Shortcut { sequences: ["Ctrl+K", StandardKey.Find]; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Esc"; enabled: app.chat.generating; onActivated: app.chat.stop() }
    Shortcut { sequence: "Ctrl+."; onActivated: app.chat.stop() }
    Shortcut { sequences: ["Ctrl+Return", "Ctrl+Enter"]; onActivated: app.chat.send() }
    Shortcut { sequences: [StandardKey.Open]; onActivated: documentDialog.open() }
    Shortcut { sequence: "Ctrl+M"; onActivated: window.showPanel("model") }
    Shortcut { sequence: "Ctrl+D"; onActivated: window.showPanel("documents") }
    Shortcut { sequence: "Ctrl+Shift+L"; onActivated: settings.theme = theme.dark ? "light" : "dark" }

    FileDialog {
        id: documentDialog
        title: qsTr("Attach documents")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Documents (*.txt *.md *.markdown *.pdf)"), qsTr("All files (*)")]
        onAccepted: app.documents.attach(selectedFiles)
    }
    FolderDialog {
        id: modelFolderDialog
        title: qsTr("Open a model folder")
        onAccepted: app.models.open(selectedFolder)
    }
    FileDialog {
        id: modelFileDialog
        title: qsTr("Open a model file")
        nameFilters: [qsTr("Models (*.gguf *.safetensors)"), qsTr("All files (*)")]
        onAccepted: app.models.open(selectedFile)
    }
    FileDialog {
        id: exportDialog
        property string format: "markdown"
        title: qsTr("Export the conversation")
        fileMode: FileDialog.SaveFile
        defaultSuffix: format === "json" ? "json" : "md"
        nameFilters: format === "json" ? [qsTr("JSON (*.json)")] : [qsTr("Markdown (*.md)")]
        onAccepted: app.conversations.exportConversation(app.chat.conversationId, selectedFile, format)
    }
    FileDialog {
        id: importDialog
        title: qsTr("Import a conversation")
        nameFilters: [qsTr("Farsight conversation (*.json)")]
        onAccepted: app.conversations.importConversation(selectedFile)
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            app: window.app
            theme: theme
            Layout.preferredWidth: 264
            Layout.fillHeight: true
            onImportRequested: importDialog.open()
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: theme.border }
        ChatView {
            id: chatView
            app: window.app
            theme: theme
            Layout.fillWidth: true
            Layout.fillHeight: true
            onAttachRequested: documentDialog.open()
            onExportRequested: (format) => { exportDialog.format = format; exportDialog.open() }
            onPanelRequested: (page) => window.showPanel(page)
        }
        SidePanel {
            id: sidePanel
            visible: window.settings.sidePanelVisible
            app: window.app
            theme: theme
            page: window.settings.sidePanelPage
            onPageChanged: window.settings.sidePanelPage = page
            Layout.preferredWidth: 340
            Layout.fillHeight: true
            onAttachRequested: documentDialog.open()
            onOpenFolderRequested: modelFolderDialog.open()
            onOpenFileRequested: modelFileDialog.open()
        }
    }

    DropArea {
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => { if (drop.hasUrls) { app.documents.attach(drop.urls); drop.accept() } }
        Rectangle {
            anchors.fill: parent
            visible: parent.containsDrag
            color: Qt.rgba(0.2, 0.4, 0.9, 0.12)
            border.color: theme.accent
            border.width: 2
            Label { anchors.centerIn: parent; text: qsTr("Drop documents to attach them"); color: theme.accent; font.pixelSize: 18 }
        }
    }

    Snackbar {
        id: snackbar
        theme: theme
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 96
        property var undoAction: null
        onActionTriggered: if (undoAction) undoAction()
    }
    Connections {
        target: app
        function onNotice(text) { snackbar.undoAction = null; snackbar.show(text, "", 5000) }
        function onRaiseRequested() { window.show(); window.raise(); window.requestActivate() }
    }
    Connections {
        target: app.conversations
        function onRemoved(id, title) {
            snackbar.undoAction = () => app.conversations.undoRemove()
            snackbar.show(qsTr("Deleted “%1”").arg(title), qsTr("Undo"), 8000)
        }
    }
}
