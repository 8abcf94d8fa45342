# Installation of the desktop app (binary, helper, desktop entry, AppStream metadata, icons) and
# the CPack .deb. Included from app/CMakeLists.txt when FARSIGHT_GUI is on. `cpack -G DEB` in the
# build folder writes farsight_<version>_<arch>.deb.
include(GNUInstallDirs)
find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Svg)

set(FARSIGHT_APP_ID io.github.farsight.Farsight)
set(FARSIGHT_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(FARSIGHT_ICON_SVG ${CMAKE_SOURCE_DIR}/resources/icons/farsight.svg)

# PNG icons rendered from the one SVG at build time (hicolor sizes).
qt_add_executable(farsight-render-icon ${FARSIGHT_PACKAGING_DIR}/render_icon.cpp)
target_link_libraries(farsight-render-icon PRIVATE Qt6::Gui Qt6::Svg)
set(FARSIGHT_ICON_PNGS)
foreach(size 48 128 256)
  set(png ${CMAKE_BINARY_DIR}/packaging/icons/${size}/${FARSIGHT_APP_ID}.png)
  add_custom_command(OUTPUT ${png}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/icons/${size}
    COMMAND farsight-render-icon ${FARSIGHT_ICON_SVG} ${png} ${size}
    DEPENDS farsight-render-icon ${FARSIGHT_ICON_SVG}
    COMMENT "Rendering the ${size}px app icon")
  list(APPEND FARSIGHT_ICON_PNGS ${png})
  install(FILES ${png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()
add_custom_target(farsight-icons ALL DEPENDS ${FARSIGHT_ICON_PNGS})

install(TARGETS farsight-extract RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/farsight)
install(FILES ${FARSIGHT_PACKAGING_DIR}/${FARSIGHT_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${FARSIGHT_PACKAGING_DIR}/${FARSIGHT_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${FARSIGHT_ICON_SVG} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME ${FARSIGHT_APP_ID}.svg)

set(CPACK_PACKAGE_NAME farsight)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Farsight")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Chat with whole documents using a local long-context model")
set(CPACK_PACKAGE_DESCRIPTION "Farsight runs MiniMax-01-style long-context models locally and puts whole TXT, Markdown and PDF documents into their context, with answers that cite file, page and line.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY farsight)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(FARSIGHT_PACKAGE_MAINTAINER "Farsight developers <farsight@localhost>" CACHE STRING "Maintainer field of the .deb")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${FARSIGHT_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Shared libraries are found by dpkg-shlibdeps; QML modules and plugins are loaded at run time,
# so they are listed here (the Debian 12 package names).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-templates, qml6-module-qtqml-workerscript, qml6-module-qtquick-dialogs, qml6-module-qt-labs-folderlistmodel, qt6-qpa-plugins, libqt6svg6")
include(CPack)
