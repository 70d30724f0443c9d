# systemd/: the unit, its tmpfiles.d and sysusers.d entries, with the
# configured paths (docs/docs.mk's edit_paths).
systemdsystemunit_DATA = systemd/l2tpv3d.service
tmpfiles_DATA = systemd/l2tpv3d.tmpfiles.conf
sysusers_DATA = systemd/l2tpv3d.sysusers.conf
EXTRA_DIST += systemd/l2tpv3d.service.in systemd/l2tpv3d.tmpfiles.conf.in \
	systemd/l2tpv3d.sysusers.conf
CLEANFILES += systemd/l2tpv3d.service systemd/l2tpv3d.tmpfiles.conf

systemd/l2tpv3d.service: systemd/l2tpv3d.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	    $(edit_paths) $(srcdir)/systemd/l2tpv3d.service.in >$@
systemd/l2tpv3d.tmpfiles.conf: systemd/l2tpv3d.tmpfiles.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	    $(edit_paths) $(srcdir)/systemd/l2tpv3d.tmpfiles.conf.in >$@
