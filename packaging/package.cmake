# Install rules (`cmake --install build/release --prefix /opt/gatehouse`, `make install`)
# and the Debian package (`make package`: CPack's DEB generator, dependencies found by
# dpkg-shlibdeps). The package adds the systemd unit, a `gatehouse` system user and
# /var/lib/gatehouse (packaging/debian/postinst); tests/e2e/package.test.js builds it,
# installs it here, starts the binary as the unit would and uninstalls it.
include(GNUInstallDirs)

install(TARGETS gatehouse RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/gatehouse.service
        DESTINATION lib/systemd/system)  # not LIBDIR: multiarch has no units
install(FILES ${CMAKE_SOURCE_DIR}/packaging/gatehouse.env
        DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME gatehouse.env.example)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gatehouse)
set(CPACK_PACKAGE_VENDOR "Gatehouse")
set(CPACK_PACKAGE_CONTACT "Gatehouse maintainers <maintainers@gatehouse.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-hostable authentication server (Nhost auth v1 API)")
set(CPACK_PACKAGE_DESCRIPTION
    "Gatehouse signs people up and in (password, magic link, email and SMS codes, OAuth, TOTP) and issues JWT access tokens with rotating refresh tokens. SQLite or PostgreSQL.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)  # the build keeps debug info; the package need not
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
