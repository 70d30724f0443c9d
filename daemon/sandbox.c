/*
 * The protocol engine's seccomp filter (libseccomp): what the engine
 * does once its sockets are open, and nothing else.  docs/security.md
 * says why each call is here.
 *
 * Default action: kill the process.  A call outside the list means the
 * engine does something it never does when sound, so it stops, and the
 * privileged parent logs it and exits (systemd restarts it).  With -d
 * the denied call is trapped instead, its number written to stderr,
 * and the process dies the same way: that is how the list is kept
 * complete.  EPERM was the alternative; a daemon that carries on after
 * its own call failed in a way it never planned for is harder to
 * reason about than one that stops.
 */
#include <config.h>

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

#include "daemon/log.h"
#include "daemon/priv.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Calls allowed whatever their arguments. */
static const int allowed[] = {
	/* I/O on descriptors the engine holds */
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(lseek),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(statx),
	SCMP_SYS(fcntl),
	SCMP_SYS(dup),
	SCMP_SYS(dup3),
	SCMP_SYS(fsync),
	SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate),
	/* the event loop */
	SCMP_SYS(epoll_create1),
	SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	SCMP_SYS(eventfd2),
	SCMP_SYS(pipe2),
	SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime),
	/* sockets (socket() itself is filtered by family below) */
	SCMP_SYS(bind),
	SCMP_SYS(connect),
	SCMP_SYS(listen),
	SCMP_SYS(accept4),
	SCMP_SYS(getsockname),
	SCMP_SYS(getpeername),
	SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt),
	SCMP_SYS(sendto),
	SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg),
	SCMP_SYS(sendmmsg),
	SCMP_SYS(recvmmsg),
	SCMP_SYS(shutdown),
	/* graceful restart: the pair to the new process */
	SCMP_SYS(socketpair),
	/* files: a configuration candidate in a memfd, read again through
	 * /proc/self/fd; the unlink of the control sockets at exit */
	SCMP_SYS(openat),
	SCMP_SYS(memfd_create),
	SCMP_SYS(unlink),
	SCMP_SYS(readlink),
	SCMP_SYS(access),
	SCMP_SYS(faccessat),
	SCMP_SYS(getdents64),
	SCMP_SYS(getcwd),
	/* memory */
	SCMP_SYS(brk),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(mprotect),
	SCMP_SYS(madvise),
	/* threads: conf_save's writer and the configuration parser */
	SCMP_SYS(futex),
	SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),
	SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity),
	/* signals, time, identity */
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(tgkill),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(getppid),
	SCMP_SYS(getuid),
	SCMP_SYS(geteuid),
	SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	SCMP_SYS(getrandom),
	SCMP_SYS(uname),
	SCMP_SYS(prlimit64),
	SCMP_SYS(getrlimit),
	SCMP_SYS(sysinfo),
	/* SIGCHLD handler (no child is ours after the drop: ECHILD) */
	SCMP_SYS(wait4),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(restart_syscall),
};

/*
 * What the sanitizer runtime needs besides: its leak check at exit
 * stops the world with a tracer thread (clone without CLONE_THREAD,
 * ptrace), and a report may read /proc/self/maps and spawn nothing we
 * allow (the stack is then printed without symbols).  Sanitizer builds
 * are for tests; production builds never allow these.
 */
#ifdef SANITIZED
static const int allowed_sanitizer[] = {
	SCMP_SYS(ptrace),
	SCMP_SYS(clone),
	SCMP_SYS(prctl),
	SCMP_SYS(sched_setaffinity),
	SCMP_SYS(waitid),
	SCMP_SYS(kill),
	SCMP_SYS(process_vm_readv),
	SCMP_SYS(getpgid),
	SCMP_SYS(open),
	SCMP_SYS(getdents),
};
#endif

/* Sockets of these families only: the control socket and its probe,
 * UDP and IP (raw or l2tp_ip) transports, netlink. */
static const int families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

/* ioctl requests: interface names and indexes (if_nametoindex), a
 * terminal check by stdio, FIONREAD by libevent. */
static const unsigned long ioctls[] = { SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFFLAGS,
	SIOCGIFMTU, FIONREAD, FIONBIO, TCGETS };

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96] = "l2tpv3d: seccomp: denied system call ";
	char num[16];
	size_t n = strlen(msg), i = sizeof(num);
	int nr = si->si_syscall;

	(void)sig;
	(void)uc;
	do {
		num[--i] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && i > 0);
	memcpy(msg + n, num + i, sizeof(num) - i);
	n += sizeof(num) - i;
	memcpy(msg + n, " (see scmp_sys_resolver)\n", 26);
	(void)write(STDERR_FILENO, msg, strlen(msg));
	signal(SIGSYS, SIG_DFL);
	raise(SIGSYS);
}

static int
add_rules(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0) != 0) {
			log_warnx("seccomp: cannot allow call %d", calls[i]);
			return -1;
		}
	return 0;
}

/* Argument arg equals v.  Spelled out: libseccomp's SCMP_A0() leaves
 * datum_b to the compiler, which clang's -Wmissing-field-initializers
 * refuses under -Werror. */
static struct scmp_arg_cmp
arg_eq(unsigned int arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = SCMP_CMP_EQ;
	c.datum_a = v;
	return c;
}

static int
add_arg_rules(scmp_filter_ctx ctx)
{
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			arg_eq(0, families[i])) != 0)
			return -1;
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
			arg_eq(1, ioctls[i])) != 0)
			return -1;
	/* Threads only: a new process would escape nothing (the filter is
	 * inherited) but the engine never makes one. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0)
		return -1;
	/* clone3's flags are behind a pointer the filter cannot read:
	 * ENOSYS makes glibc fall back to clone. */
	if (seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0)
		return -1;
	return 0;
}

int
priv_seccomp(int log_denied)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int rc = -1;

	if (log_denied) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) == -1)
			return -1;
	}
	ctx = seccomp_init(log_denied ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return -1;
	if (add_rules(ctx, allowed, sizeof(allowed) / sizeof(allowed[0])) ==
		-1 ||
	    add_arg_rules(ctx) == -1)
		goto out;
#ifdef SANITIZED
	if (add_rules(ctx, allowed_sanitizer,
		sizeof(allowed_sanitizer) / sizeof(allowed_sanitizer[0])) == -1)
		goto out;
#endif
#ifdef SANITIZED
	/* The leak check's tracer attaches to us: after the change of
	 * user that needs a dumpable process.  Never in production. */
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	if (seccomp_load(ctx) != 0)
		goto out;
	rc = 0;
	log_info("seccomp filter loaded (%s)",
	    log_denied ? "denied calls reported, then fatal" : "kill");
out:
	seccomp_release(ctx);
	return rc;
}
