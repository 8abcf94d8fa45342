// AppSettings: user preferences and window state kept in QSettings (theme, window geometry, panels,
// last model and context, last conversation). The file is given by AppContext (tests use a temp one).
#pragma once

#include <QObject>
#include <QRect>
#include <QSettings>

#include <memory>

namespace farsight::app {

class AppSettings : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)   // "system", "light", "dark"
    Q_PROPERTY(bool dark READ dark NOTIFY themeChanged)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY windowChanged)
    Q_PROPERTY(bool windowMaximized READ windowMaximized WRITE setWindowMaximized NOTIFY windowChanged)
    Q_PROPERTY(bool sidePanelVisible READ sidePanelVisible WRITE setSidePanelVisible NOTIFY panelsChanged)
    Q_PROPERTY(QString sidePanelPage READ sidePanelPage WRITE setSidePanelPage NOTIFY panelsChanged)
    Q_PROPERTY(QString lastModelPath READ lastModelPath WRITE setLastModelPath NOTIFY modelChanged)
    Q_PROPERTY(qint64 lastContextLength READ lastContextLength WRITE setLastContextLength NOTIFY modelChanged)
public:
    // `path` empty: the platform's default location (~/.config/Farsight/farsight.conf).
    explicit AppSettings(const QString& path = {}, QObject* parent = nullptr);

    QString theme() const;
    void setTheme(const QString& theme);
    bool dark() const;
    QRect windowGeometry() const;
    void setWindowGeometry(const QRect& rect);
    bool windowMaximized() const;
    void setWindowMaximized(bool maximized);
    bool sidePanelVisible() const;
    void setSidePanelVisible(bool visible);
    QString sidePanelPage() const;
    void setSidePanelPage(const QString& page);
    QString lastModelPath() const;
    void setLastModelPath(const QString& path);
    qint64 lastContextLength() const;
    void setLastContextLength(qint64 n);
    qint64 lastConversation() const;
    void setLastConversation(qint64 id);

    // False when the previous run did not end through markCleanExit() (a crash or kill). Reading
    // the settings marks this run as running.
    bool previousRunEndedCleanly() const { return m_previousClean; }
    void markCleanExit();

    // Writes to disk now (QSettings also does it on destruction and from its own timer).
    Q_INVOKABLE void sync();

signals:
    void themeChanged();
    void windowChanged();
    void panelsChanged();
    void modelChanged();

private:
    std::unique_ptr<QSettings> m_settings;
    bool m_previousClean = true;
};

}  // namespace farsight::app
