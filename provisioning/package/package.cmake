# The kiosk as a Debian package (`cpack -G DEB` in the build tree, or the
# `package-deb` target): what the appliance image installs, and what a fleet
# upgrades through the collectivité's signed repository (docs/operations.md).
#
#   /usr/libexec/guichet/kiosk        started by guichet-kiosk.service only
#   /usr/bin/kioskctl                 the technicians' tool
#   /usr/share/guichet/{catalogue,data,i18n}
#   /usr/lib/systemd/system, sysusers.d, tmpfiles.d
include(GNUInstallDirs)

install(TARGETS kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/guichet)
install(TARGETS kioskctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/kiosk/catalogue/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guichet/catalogue)
install(FILES ${CMAKE_SOURCE_DIR}/kiosk/data/communes.tsv ${CMAKE_SOURCE_DIR}/kiosk/data/creneaux.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/guichet/data)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/kiosk/i18n/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guichet/i18n
  FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_CURRENT_LIST_DIR}/guichet-kiosk.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/guichet.sysusers DESTINATION lib/sysusers.d RENAME guichet.conf)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/guichet.tmpfiles DESTINATION lib/tmpfiles.d RENAME guichet.conf)
install(FILES ${CMAKE_SOURCE_DIR}/docs/operations.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME guichet)
set(CPACK_PACKAGE_VENDOR "Guichet")
set(CPACK_PACKAGE_CONTACT "Guichet <guichet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Firmware of France Services self-service kiosks")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
# Libraries from dpkg-shlibdeps; the programs the kiosk runs beside it by name.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# cage: Debian's 0.1.4 will not start without the Xwayland binary; seatd
# gives it the seat (guichet-kiosk.service says why not logind).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, cage, xwayland, seatd, pcscd, cups-client, espeak-ng-data, fonts-dejavu-core, fonts-font-awesome")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cups, libccid")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_LIST_DIR}/postinst ${CMAKE_CURRENT_LIST_DIR}/prerm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Reproducible: the same sources give the same package.
set(CPACK_DEBIAN_ARCHIVE_TYPE gnutar)
# Without the debug sections: 140 MB installed otherwise (RelWithDebInfo).
set(CPACK_STRIP_FILES ON)
include(CPack)
