# systemd/: the unit, its tmpfiles.d and sysusers.d entries, with the
# configured paths (docs/docs.mk's edit_paths).  The tmpfiles.d and
# sysusers.d files are installed under the package's name, l2tpv3d.conf,
# as those directories expect (and debhelper finds them there).
systemdsystemunit_DATA = systemd/l2tpv3d.service
EXTRA_DIST += systemd/l2tpv3d.service.in systemd/l2tpv3d.tmpfiles.in \
	systemd/l2tpv3d.sysusers
CLEANFILES += systemd/l2tpv3d.service systemd/l2tpv3d.tmpfiles

systemd/l2tpv3d.service: systemd/l2tpv3d.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	    $(edit_paths) $(srcdir)/systemd/l2tpv3d.service.in >$@
systemd/l2tpv3d.tmpfiles: systemd/l2tpv3d.tmpfiles.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	    $(edit_paths) $(srcdir)/systemd/l2tpv3d.tmpfiles.in >$@

all-local: systemd/l2tpv3d.tmpfiles
install-data-local: systemd/l2tpv3d.tmpfiles
	$(MKDIR_P) '$(DESTDIR)$(tmpfilesdir)' '$(DESTDIR)$(sysusersdir)'
	$(INSTALL_DATA) systemd/l2tpv3d.tmpfiles \
	    '$(DESTDIR)$(tmpfilesdir)/l2tpv3d.conf'
	$(INSTALL_DATA) $(srcdir)/systemd/l2tpv3d.sysusers \
	    '$(DESTDIR)$(sysusersdir)/l2tpv3d.conf'
uninstall-local:
	rm -f '$(DESTDIR)$(tmpfilesdir)/l2tpv3d.conf' \
	    '$(DESTDIR)$(sysusersdir)/l2tpv3d.conf'
