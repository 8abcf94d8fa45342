// Documents of the open conversation: each file's extraction / token count with progress, speed,
// time left and cancel; the prefill of the documents; whether they fit, and the choices when not.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import "format.js" as Format

ColumnLayout {
    id: panel
    required property QtObject app
    required property QtObject theme
    readonly property QtObject documents: app.documents
    readonly property QtObject chat: app.chat
    signal attachRequested()
    spacing: 10

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: qsTr("TXT · Markdown · PDF")
            color: panel.theme.faint
            font.pixelSize: panel.theme.smallFont
        }
        Button {
            text: qsTr("Attach…")
            icon.source: "icons/attach.svg"
            icon.width: 16
            icon.height: 16
            Accessible.name: qsTr("Attach documents (Ctrl+O)")
            onClicked: panel.attachRequested()
        }
    }

    // Prefill of the documents (first question), with speed and time left.
    Rectangle {
        visible: panel.chat.phase === "reading"
        Layout.fillWidth: true
        implicitHeight: prefillColumn.implicitHeight + 16
        radius: panel.theme.radius
        color: panel.theme.accentSoft
        ColumnLayout {
            id: prefillColumn
            anchors.fill: parent
            anchors.margins: 8
            spacing: 4
            RowLayout {
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Reading the documents into the model")
                    color: panel.theme.text
                    font.pixelSize: panel.theme.smallFont
                }
                IconButton {
                    theme: panel.theme
                    iconName: "close"
                    size: 24
                    tip: qsTr("Cancel")
                    onClicked: panel.chat.stop()
                }
            }
            ProgressBar {
                Layout.fillWidth: true
                from: 0
                to: Math.max(1, panel.chat.prefillTotal)
                value: panel.chat.prefillDone
                Accessible.name: qsTr("Prefill progress")
            }
            Label {
                text: panel.chat.prefillTotal > 0
                      ? qsTr("%1 of %2 tokens · %3 · %4 left").arg(Format.count(panel.chat.prefillDone)).arg(Format.count(panel.chat.prefillTotal))
                            .arg(Format.rate(panel.chat.prefillRate, "tok/s")).arg(Format.seconds(panel.chat.prefillSecondsLeft))
                      : qsTr("starting…")
                color: panel.theme.muted
                font.pixelSize: panel.theme.smallFont
            }
        }
    }

    Rectangle {
        visible: panel.chat.reusedTokens > 0 && panel.documents.hasDocuments
        Layout.fillWidth: true
        implicitHeight: reuseLabel.implicitHeight + 12
        radius: panel.theme.radius
        color: panel.theme.successSoft
        Label {
            id: reuseLabel
            anchors.fill: parent
            anchors.margins: 6
            anchors.leftMargin: 10
            text: qsTr("Reusing %1 prefilled tokens").arg(Format.count(panel.chat.reusedTokens))
            color: panel.theme.success
            font.pixelSize: panel.theme.smallFont
            wrapMode: Text.Wrap
        }
    }

    ListView {
        id: list
        objectName: "attachmentList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 80
        clip: true
        spacing: 6
        model: panel.documents.attachments
        Accessible.name: qsTr("Attached documents")
        Accessible.role: Accessible.List
        delegate: Rectangle {
            id: doc
            required property int key
            required property string name
            required property string kind
            required property var byteSize
            required property var tokens
            required property bool tokensEstimated
            required property int pages
            required property string state
            required property double progress
            required property double rate
            required property string rateUnit
            required property double secondsLeft
            required property string error
            readonly property bool working: state === "extracting" || state === "counting"
            width: ListView.view.width
            implicitHeight: docColumn.implicitHeight + 16
            radius: panel.theme.radius
            color: panel.theme.surface
            border.color: state === "error" ? panel.theme.danger : panel.theme.border
            Accessible.name: name
            Accessible.role: Accessible.ListItem

            ColumnLayout {
                id: docColumn
                anchors.fill: parent
                anchors.margins: 8
                spacing: 4
                RowLayout {
                    spacing: 8
                    Rectangle {
                        width: 30; height: 30; radius: 6
                        color: doc.kind === "pdf" ? panel.theme.dangerSoft : panel.theme.accentSoft
                        Label {
                            anchors.centerIn: parent
                            text: doc.kind === "pdf" ? "PDF" : doc.kind === "markdown" ? "MD" : "TXT"
                            font.pixelSize: 9
                            font.weight: Font.Bold
                            color: doc.kind === "pdf" ? panel.theme.danger : panel.theme.accent
                        }
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Label {
                            Layout.fillWidth: true
                            text: doc.name
                            textFormat: Text.PlainText
                            elide: Text.ElideMiddle
                            color: panel.theme.text
                            font.weight: Font.DemiBold
                        }
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            textFormat: Text.PlainText
                            color: doc.state === "error" ? panel.theme.danger : panel.theme.muted
                            font.pixelSize: panel.theme.smallFont
                            text: {
                                if (doc.state === "error") return qsTr("failed: %1").arg(doc.error)
                                if (doc.state === "cancelled") return qsTr("cancelled")
                                let parts = []
                                if (doc.pages > 0) parts.push(qsTr("%1 pages").arg(doc.pages))
                                parts.push(Format.bytes(doc.byteSize))
                                if (doc.state === "ready") parts.push((doc.tokensEstimated ? "≈" : "") + qsTr("%1 tokens").arg(Format.count(doc.tokens)))
                                return parts.join(" · ")
                            }
                        }
                    }
                    IconButton {
                        theme: panel.theme
                        iconName: doc.working ? "close" : "trash"
                        size: 26
                        tip: Format.plain(doc.working ? qsTr("Cancel reading %1").arg(doc.name) : qsTr("Remove %1").arg(doc.name))
                        onClicked: doc.working ? panel.documents.cancel(doc.key) : panel.documents.remove(doc.key)
                    }
                }
                ProgressBar {
                    visible: doc.working
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    value: doc.progress
                    indeterminate: doc.progress <= 0
                    Accessible.name: qsTr("Progress of %1").arg(doc.name)
                }
                Label {
                    visible: doc.working
                    color: panel.theme.muted
                    font.pixelSize: panel.theme.smallFont
                    text: (doc.state === "extracting" ? qsTr("Extracting text") : qsTr("Counting tokens"))
                          + (doc.progress > 0 ? " " + Math.floor(doc.progress * 100) + "%" : "")
                          + (doc.rate > 0 ? " · " + Format.rate(doc.rate, doc.rateUnit) : "")
                          + (doc.secondsLeft > 0 ? " · " + qsTr("%1 left").arg(Format.seconds(doc.secondsLeft)) : "")
                }
            }
        }
        Label {
            anchors.centerIn: parent
            width: parent.width - 20
            visible: list.count === 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("No documents yet.\nAttach TXT, Markdown or PDF files (several at once), or drop them on the window.")
            color: panel.theme.faint
        }
    }

    // Fit: the numbers, and the choices when it does not fit (nothing is cut silently).
    Rectangle {
        visible: panel.documents.fitText.length > 0
        Layout.fillWidth: true
        implicitHeight: fitColumn.implicitHeight + 16
        radius: panel.theme.radius
        color: panel.documents.fits ? panel.theme.successSoft : panel.theme.warningSoft
        ColumnLayout {
            id: fitColumn
            anchors.fill: parent
            anchors.margins: 8
            spacing: 6
            Label {
                Layout.fillWidth: true
                text: panel.documents.fitText
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: panel.documents.fits ? panel.theme.success : panel.theme.warning
                font.pixelSize: panel.theme.smallFont
                Accessible.name: text
            }
            Repeater {
                model: panel.documents.choices
                delegate: Button {
                    required property var modelData
                    Layout.fillWidth: true
                    enabled: modelData.possible
                    text: modelData.description
                    Accessible.name: text
                    onClicked: panel.documents.applyChoice(modelData.index)
                    contentItem: Label {
                        text: parent.text
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        color: panel.theme.text
                        font.pixelSize: panel.theme.smallFont
                    }
                }
            }
            RowLayout {
                visible: panel.documents.keepText.length > 0
                Label {
                    Layout.fillWidth: true
                    text: panel.documents.keepText
                    textFormat: Text.PlainText
                    wrapMode: Text.Wrap
                    color: panel.theme.muted
                    font.pixelSize: panel.theme.smallFont
                }
                Button {
                    text: qsTr("Include everything")
                    onClicked: panel.documents.clearKeep()
                }
            }
        }
    }
}
