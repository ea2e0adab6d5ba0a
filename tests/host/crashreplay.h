/*
 * crashreplay.h - what the two halves of the crash replay share (tests/host/crashreplay.c: the
 * log and the enumeration of crash states; tests/host/crashcheck.c: one state mounted,
 * repaired and judged). docs/fat.md "Crash consistency, measured".
 */
#ifndef NANONT_CRASHREPLAY_H
#define NANONT_CRASHREPLAY_H

#define CRASH_SECTOR 512u

/* The state being judged is Current (the image after some prefix of the log) with an overlay of
   sectors laid over it: the writes a crash state picks, then whatever the repair writes. */
extern unsigned char *Current;
extern unsigned long long ImageSectors;
void OverlaySetup(void);
void OverlaySet(unsigned long long Sector, const unsigned char *Data);
void OverlayClear(void);

/* CheckState - mount, repair (as io/iomount.c does), judge. Result 1 when the state holds; else
   0 with the reason in CheckWhy. *MetadataKey: a hash of the overlaid sectors fsck.fat reads
   (boot and reserved sectors, FATs, directory clusters of the repaired tree), so two states
   over the same Current with the same key give fsck.fat the same image. */
extern char CheckWhy[1024];
int CheckState(unsigned long long *MetadataKey);

/* Fsck - fsck.fat -n on Current + overlay through the mirror file (Current on disk). */
int FsckOpenMirror(const char *Path);
void FsckMirrorWrite(unsigned long long Sector, const unsigned char *Data, unsigned Count);
int Fsck(void);

#endif
