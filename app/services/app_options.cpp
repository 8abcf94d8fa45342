// AppOptions parsing with QCommandLineParser.
#include "services/app_options.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace farsight::app {

QStringList AppOptions::forwardArguments() const {
    QStringList out = files;
    if (!modelPath.isEmpty()) out << QStringLiteral("--model") << modelPath;
    return out;
}

std::optional<AppOptions> parseAppOptions(const QStringList& arguments, QString* error, int* exitCode) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Farsight: local long-context chat with your documents."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption db({"d", "db"}, "Session database file.", "file");
    const QCommandLineOption dataDir("data-dir", "Folder for sessions and engine snapshots.", "dir");
    const QCommandLineOption settings("settings", "Settings file (INI).", "file");
    const QCommandLineOption fake("fake-engine", "Use the offline demo engine (scripted replies).");
    const QCommandLineOption fakeSpeed("fake-speed", "Offline engine decode speed, tokens/s.", "n");
    const QCommandLineOption model({"m", "model"}, "Open and load this model folder or file.", "path");
    const QCommandLineOption context({"c", "context"}, "Context length in tokens for --model.", "n");
    const QCommandLineOption theme("theme", "light or dark (default: follow the system).", "name");
    const QCommandLineOption screenshot("screenshot", "Render the main window to FILE and exit.", "file");
    const QCommandLineOption helper("extract-helper", "The farsight-extract executable.", "file");
    parser.addOptions({db, dataDir, settings, fake, fakeSpeed, model, context, theme, screenshot, helper});
    parser.addPositionalArgument("documents", "TXT, Markdown or PDF files to attach.", "[documents...]");
    *exitCode = 2;
    if (!parser.parse(arguments)) {
        *error = parser.errorText() + "\n\n" + parser.helpText();
        return std::nullopt;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        *error = parser.isSet(help) ? parser.helpText() : QStringLiteral("farsight %1\n").arg(QStringLiteral(FARSIGHT_VERSION));
        *exitCode = 0;
        return std::nullopt;
    }
    AppOptions o;
    o.dataDir = parser.value(dataDir);
    if (o.dataDir.isEmpty()) o.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    o.dbPath = parser.isSet(db) ? QFileInfo(parser.value(db)).absoluteFilePath() : QDir(o.dataDir).filePath("farsight.db");
    if (!parser.isSet(dataDir) && parser.isSet(db)) o.dataDir = QFileInfo(o.dbPath).absolutePath();
    o.settingsPath = parser.value(settings);
    o.fakeEngine = parser.isSet(fake) || qEnvironmentVariableIntValue("FARSIGHT_FAKE_ENGINE") == 1;
    if (parser.isSet(fakeSpeed)) {
        bool ok = false;
        o.fake.decode_tokens_per_s = parser.value(fakeSpeed).toDouble(&ok);
        if (!ok || o.fake.decode_tokens_per_s < 0) {
            *error = QStringLiteral("--fake-speed: not a number: %1").arg(parser.value(fakeSpeed));
            return std::nullopt;
        }
    }
    if (parser.isSet(model)) o.modelPath = QFileInfo(parser.value(model)).absoluteFilePath();
    if (parser.isSet(context)) {
        bool ok = false;
        o.contextLength = parser.value(context).toLongLong(&ok);
        if (!ok || o.contextLength <= 0) {
            *error = QStringLiteral("--context: not a positive number: %1").arg(parser.value(context));
            return std::nullopt;
        }
    }
    o.theme = parser.value(theme);
    if (!o.theme.isEmpty() && o.theme != "light" && o.theme != "dark") {
        *error = QStringLiteral("--theme: use light or dark");
        return std::nullopt;
    }
    if (parser.isSet(screenshot)) o.screenshot = QFileInfo(parser.value(screenshot)).absoluteFilePath();
    o.extractHelper = parser.value(helper);
    for (const QString& file : parser.positionalArguments()) o.files << QFileInfo(file).absoluteFilePath();
    o.watchdog = qEnvironmentVariableIntValue("FARSIGHT_WATCHDOG") == 1;
    return o;
}

}  // namespace farsight::app
