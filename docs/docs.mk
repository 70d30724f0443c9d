# docs/: the man pages are generated from .in files with the configured
# paths, so the binary, the man pages and the unit name the same files.
# (make, not configure, substitutes: configure's values still hold
# ${prefix}.)  man_MANS is started in Makefile.am.

EXTRA_DIST += docs/l2tpv3d.8.in docs/l2tpv3d.conf.5.in docs/l2tpsh.1.in \
	docs/l2tpdump.8.in docs/operations.md docs/performance.md
CLEANFILES += $(man_MANS)

# One substitution for every generated file (man pages, systemd files).
edit_paths = sed \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'

docs/l2tpv3d.8: docs/l2tpv3d.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) docs && $(edit_paths) $(srcdir)/docs/l2tpv3d.8.in >$@
docs/l2tpv3d.conf.5: docs/l2tpv3d.conf.5.in Makefile
	$(AM_V_GEN)$(MKDIR_P) docs && $(edit_paths) $(srcdir)/docs/l2tpv3d.conf.5.in >$@
docs/l2tpsh.1: docs/l2tpsh.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) docs && $(edit_paths) $(srcdir)/docs/l2tpsh.1.in >$@
docs/l2tpdump.8: docs/l2tpdump.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) docs && $(edit_paths) $(srcdir)/docs/l2tpdump.8.in >$@
