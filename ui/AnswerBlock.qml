// One block of an answer, by kind: Markdown prose, a code block (with copy), a table, a quote.
// The roles come from the message's block model (app/services/block_list_model.h).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Loader {
    id: block
    required property QtObject theme
    required property string kind
    required property string text
    required property string language
    required property var headers
    required property var rows
    readonly property string blockText: text
    readonly property var table: [headers, rows]
    Layout.fillWidth: true
    sourceComponent: kind === "code" ? codeBlock : kind === "table" ? tableBlock
                     : kind === "quote" ? quoteBlock : proseBlock
    Component {
        id: proseBlock
        TextEdit {
            readOnly: true
            selectByMouse: true
            textFormat: TextEdit.MarkdownText
            text: block.blockText
            wrapMode: Text.Wrap
            color: block.theme.text
            selectionColor: block.theme.selection
            selectedTextColor: block.theme.text
            font.pixelSize: block.theme.fontSize
            onLinkActivated: (link) => Qt.openUrlExternally(link)
            Accessible.name: qsTr("Answer")
            HoverHandler { cursorShape: parent.hoveredLink ? Qt.PointingHandCursor : Qt.IBeamCursor }
        }
    }
    Component {
        id: quoteBlock
        Item {
            implicitHeight: quoteText.implicitHeight + 8
            Rectangle { width: 3; height: parent.height; radius: 1.5; color: block.theme.accent; opacity: 0.6 }
            TextEdit {
                id: quoteText
                x: 14
                y: 4
                width: parent.width - 14
                readOnly: true
                selectByMouse: true
                textFormat: TextEdit.MarkdownText
                text: block.blockText
                wrapMode: Text.Wrap
                color: block.theme.muted
                font.italic: true
                font.pixelSize: block.theme.fontSize
                selectionColor: block.theme.selection
                Accessible.name: qsTr("Quote")
            }
        }
    }
    Component {
        id: tableBlock
        Rectangle {
            readonly property int columns: Math.max(1, block.table[0].length)
            implicitHeight: table.implicitHeight + 2
            radius: block.theme.radius
            color: block.theme.surface
            border.color: block.theme.border
            clip: true
            Accessible.role: Accessible.Table
            Accessible.name: qsTr("Table")
            Column {
                id: table
                x: 1
                y: 1
                width: parent.width - 2
                Repeater {
                    model: block.table[1].length + 1
                    delegate: Rectangle {
                        id: tableRow
                        required property int index
                        readonly property var cells: index === 0 ? block.table[0] : block.table[1][index - 1]
                        width: table.width
                        height: cellsRow.implicitHeight
                        color: index === 0 ? block.theme.raised : (index % 2 === 0 ? Qt.rgba(0, 0, 0, block.theme.dark ? 0.12 : 0.02) : "transparent")
                        Rectangle { visible: tableRow.index > 0; width: parent.width; height: 1; color: block.theme.border }
                        Row {
                            id: cellsRow
                            Repeater {
                                model: tableRow.cells.length
                                delegate: Text {
                                    required property int index
                                    width: table.width / Math.max(1, tableRow.cells.length)
                                    padding: 8
                                    leftPadding: 12
                                    text: tableRow.cells[index]
                                    textFormat: Text.MarkdownText
                                    wrapMode: Text.Wrap
                                    color: block.theme.text
                                    font.pixelSize: block.theme.fontSize - 1
                                    font.weight: tableRow.index === 0 ? Font.DemiBold : Font.Normal
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Component {
        id: codeBlock
        Rectangle {
            implicitHeight: codeColumn.implicitHeight
            radius: block.theme.radius
            color: block.theme.code
            border.color: block.theme.border
            ColumnLayout {
                id: codeColumn
                width: parent.width
                spacing: 0
                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 4
                    Label {
                        Layout.fillWidth: true
                        text: block.language || qsTr("code")
                        color: block.theme.faint
                        font.pixelSize: block.theme.smallFont
                    }
                    IconButton {
                        theme: block.theme
                        iconName: "copy"
                        size: 26
                        tip: qsTr("Copy code")
                        onClicked: { codeText.selectAll(); codeText.copy(); codeText.deselect() }
                    }
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: block.theme.border }
                TextEdit {
                    id: codeText
                    Layout.fillWidth: true
                    Layout.margins: 12
                    readOnly: true
                    selectByMouse: true
                    text: block.blockText
                    wrapMode: Text.WrapAnywhere
                    font.family: block.theme.monoFamily
                    font.pixelSize: block.theme.fontSize - 1
                    color: block.theme.text
                    selectionColor: block.theme.selection
                    Accessible.name: qsTr("Code")
                }
            }
        }
    }
}
