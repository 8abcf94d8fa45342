// `farsight`: the desktop application's entry point. Parses the command line, hands over to a
// running instance, builds the AppContext (the composition root, app/services) and shows ui/Main.qml.
#include <QDir>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>

#include <cstdio>

#include "services/app_context.h"
#include "services/app_options.h"
#include "services/screenshot.h"
#include "services/single_instance.h"

Q_IMPORT_QML_PLUGIN(FarsightPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Farsight"));
    QGuiApplication::setOrganizationName(QStringLiteral("Farsight"));
    QGuiApplication::setApplicationVersion(QStringLiteral(FARSIGHT_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.farsight.Farsight"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/Farsight/icons/farsight.svg")));

    QString message;
    int exitCode = 0;
    const auto options = farsight::app::parseAppOptions(QGuiApplication::arguments(), &message, &exitCode);
    if (!options) {
        std::fputs(qPrintable(message), exitCode == 0 ? stdout : stderr);
        return exitCode;
    }

    // One instance per database: a second start passes its documents/model to the first and exits.
    farsight::app::SingleInstance instance(options->dbPath);
    if (options->screenshot.isEmpty() && !instance.start(options->forwardArguments(), QDir::currentPath())) return 0;

    farsight::app::AppContext context(*options);
    QObject::connect(&instance, &farsight::app::SingleInstance::activated, &context,
                     &farsight::app::AppContext::handleArguments);

    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties({{QStringLiteral("app"), QVariant::fromValue<QObject*>(&context)}});
    engine.load(QUrl(QStringLiteral("qrc:/Farsight/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;

    if (!options->screenshot.isEmpty()) {
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        auto* taker = new farsight::app::ScreenshotTaker(&context, window, options->screenshot, 60000, &app);
        QObject::connect(taker, &farsight::app::ScreenshotTaker::done, &app, [](bool ok, const QString& text) {
            std::fprintf(ok ? stdout : stderr, "%s\n", qPrintable(text));
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
    return QGuiApplication::exec();
}
