// AppOptions: the `farsight` command line (and environment), parsed into what AppContext needs.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

#include "services/fake_engine.h"

namespace farsight::app {

struct AppOptions {
    QString dataDir;          // sessions, snapshots (default: the platform's app data folder)
    QString dbPath;           // default: dataDir/farsight.db
    QString settingsPath;     // default: the platform's settings file
    bool fakeEngine = false;  // the offline engine (always, when built without farsight_engine)
    FakeEngineOptions fake;
    QString modelPath;        // opened and loaded at start
    qint64 contextLength = 0;
    QString theme;            // "", "light", "dark"
    QString screenshot;       // render the main window to this file and exit
    QString extractHelper;    // the farsight-extract executable (default: beside farsight)
    QStringList files;        // documents to attach (absolute paths)
    bool watchdog = false;    // log GUI stall figures (FARSIGHT_WATCHDOG=1)

    // What a second instance hands over to the first.
    QStringList forwardArguments() const;
};

// Parses `arguments` (argv, program name first). On error returns nullopt and sets `error` (with
// the usage text); `--help`/`--version` also return nullopt with the text in `error` and `exitCode` 0.
std::optional<AppOptions> parseAppOptions(const QStringList& arguments, QString* error, int* exitCode);

}  // namespace farsight::app
