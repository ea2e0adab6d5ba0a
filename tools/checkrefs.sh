#!/usr/bin/env bash
# tools/checkrefs.sh - fail when a comment or a doc names something that does not exist.
#
# Reads the comments of every tracked source file (C, assembly, headers, linker scripts, shell
# scripts, makefiles, service tables) and the whole text of every Markdown file, and checks:
#   paths        every repository path named (like ke/apc.c, inc/ke.h, docs/spec.md) exists
#                (paths under build/ are generated and skipped; so are patterns with * and
#                placeholders in capitals, tests/guest/NAME.c);
#   identifiers  every NT-style routine name (Ke Ki Mm Mi Ps Psp Io Iop Ob Obp Ex Rtl Ldr Hal Dbg
#                Nt followed by a capital) appears in the code of some file: outside comments in
#                a C/assembly/header/linker file, or as a service name in a services.tab (NtFoo
#                also gives ZwFoo); a name written as a prefix (NtGdi*) must begin some such name;
#   spec         every "§N" / "§N.M" names a section / step of docs/spec.md, and nothing cites the
#                old external contract (its file, or "SPEC" and a section number).
# Names of WRK/NT things NanoNT intentionally lacks are listed below, each with its reason.
# Prints [RUN]/[OK]/[FAIL] per check and a closing "N passed, N failed" (a tools/test.sh host
# test, registered in tests/host/checkrefs.mk). Needs perl and git.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# NAME  reason - WRK/NT names a comment or doc may cite although NanoNT has no such routine.
ALLOWED='
KiServiceExit           WRK name of the service exit; NanoNT splits it (KiSystemServiceExit, KiServiceExitToUserMode)
KeEnterCriticalRegion   NT routine that raises KernelApcDisable; NanoNT has none (the field stays 0)
KiInitializeKernel      WRK routine that starts the executive; NanoNT: KiSystemStartup
IoCheckShareAccess      NT routine whose sharing rules io/iofile.c applies inline
NtMyService             placeholder in the README example of adding a service
NtXxx                   placeholder for any service stub (docs/services.md)
NtX                     placeholder for any service in the services.tab format (docs/services.md)
PspLookupKernelUserEntryPoints WRK routine that finds the entry points of ntdll; NanoNT: PspInitializeSystemDll
NtProtectVirtualMemory  NT service the loader would use to unprotect a read-only import table; NanoNT has none yet
'

git ls-files -z | CHECKREFS_ALLOWED="$ALLOWED" perl -0 -e '
use strict; use warnings;
my @files = grep { length } split /\0/, do { local $/; <STDIN> };
my %allowed;
for (split /\n/, $ENV{CHECKREFS_ALLOWED}) { $allowed{$1} = 1 if /^\s*(\w+)\s+\S/; }

my $prefix = qr/(?:Psp|Iop|Obp|Ke|Ki|Mm|Mi|Ps|Io|Ob|Ex|Rtl|Ldr|Hal|Dbg|Nt)/;
my $ident = qr/\b($prefix[A-Z][A-Za-z0-9_]*)/;
my $top = qr/(?:ke|inc|mm|ps|ob|io|fs|ex|hal|rtl|user|win32k|tools|tests|docs)/;
my $pathre = qr{(?<![\w./-])((?:\.\./)*(?:$top/)[A-Za-z0-9_.*/-]*[A-Za-z0-9_*]\.(?:c|h|S|md|sh|mk|ld|tab|txt))(?![\w/])|(?<![\w./-])((?:NOTES|README)\.md)\b};

sub slurp { my ($f) = @_; open my $h, "<", $f or return ""; local $/; my $t = <$h>; close $h; return $t; }

# comments ($c) and code ($k) of one file
sub split_file {
    my ($f, $t) = @_;
    return ($t, "") if $f =~ /\.md$/;
    my ($c, $k) = ("", "");
    if ($f =~ /\.(?:c|h|S|ld)$/) {
        while ($t =~ m{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|([^/"]+|/)}gs) {
            if (defined $1) { $c .= "$1\n" } elsif (defined $2) { $c .= "$2\n" } else { $k .= $3 // $4; }
        }
        # assembly: "#" starts a comment only at the start of a line (after cpp directives)
        return ($c, $k);
    }
    # shell, make, service tables: "#" comments (not "$#", not "#!" lines)
    for my $line (split /\n/, $t) {
        next if $line =~ /^#!/;
        if ($line =~ /(?:^|\s)(#.*)$/) { $c .= "$1\n"; } else { $k .= "$line\n"; }
    }
    return ($c, $k);
}

my (%code, @texts, @tabnames);
for my $f (@files) {
    next unless $f =~ /\.(?:c|h|S|ld|md|sh|mk|tab)$/ || $f =~ m{(?:^|/)(?:Makefile|MANIFEST)$};
    my $t = slurp($f);
    my ($c, $k) = split_file($f, $t);
    push @texts, [$f, $c];
    if ($f =~ /\.(?:c|h|S|ld)$/) { $code{$1} = 1 while $k =~ /\b([A-Za-z_]\w*)/g; }
    if ($f =~ /\.tab$/) { for (split /\n/, $t) { $code{$1} = 1 if /^\s*([A-Za-z_]\w*)\s+\d+/; } }
}
# generated: every service also has a Zw alias
for my $n (keys %code) { $code{"Zw$1"} = 1 if $n =~ /^Nt(\w+)/; }

my $spec = slurp("docs/spec.md");
my (%sect, %step);
$sect{$1} = 1 while $spec =~ /^## (\d+)\. /mg;
$step{$1} = 1 while $spec =~ /^- \*\*(\d+\.\d+)\*\*/mg;

my %bad; my ($pass, $fail) = (0, 0);
my %seen;
for my $e (@texts) {
    my ($f, $c) = @$e;
    my $dir = $f =~ m{^(.*)/} ? $1 : ".";
    my $ln = 0;
    for my $line (split /\n/, $c) {
        # paths
        while ($line =~ /$pathre/g) {
            my $p = defined $1 ? $1 : $2;
            next if $p =~ /\*/ || $p =~ m{^build/} || $p =~ m{(?:^|/)[A-Z]+\.\w+$} && $p !~ m{(?:NOTES|README)\.md$};
            my $ok = -e $p || -e "$dir/$p";
            push @{$bad{paths}}, "$f: $p" unless $ok || $seen{"p$f$p"}++;
        }
        # identifiers
        while ($line =~ /$ident(\*?)/g) {
            my ($n, $star) = ($1, $2);
            next if $code{$n} || $allowed{$n};
            next if $star && grep { index($_, $n) == 0 } keys %code;
            push @{$bad{identifiers}}, "$f: $n" unless $seen{"i$f$n"}++;
        }
        # spec references
        while ($line =~ /§(\d+)(?:\.(\d+))?/g) {
            my ($s, $st) = ($1, $2);
            my $ok = defined $st ? $step{"$s.$st"} : $sect{$s};
            my $r = defined $st ? "§$s.$st" : "§$s";
            push @{$bad{spec}}, "$f: $r" unless $ok || $seen{"s$f$r"}++;
        }
        if ($line =~ /\bSPEC(?: \d|\.md)/) { push @{$bad{spec}}, "$f: cites the external SPEC: " . substr($line, 0, 100); }
    }
}
for my $check (qw(paths identifiers spec)) {
    print "[RUN] $check\n";
    my $list = $bad{$check} || [];
    if (@$list) {
        print "[FAIL] $check: " . scalar(@$list) . " stale reference(s)\n";
        print "  $_\n" for @$list;
        $fail++;
    } else { print "[OK] $check\n"; $pass++; }
}
print "$pass passed, $fail failed\n";
exit($fail ? 1 : 0);
'
