/*
 * crt.h - what the C runtime linked into every program (user/crt/) offers it, and what it asks of
 * it: printf (user/crt/printf.c, through ntdll's formatter) and the program's main, which
 * user/crt/start.c calls with the command line split into argc/argv.
 */
#ifndef NANONT_CRT_H
#define NANONT_CRT_H

int printf(const char *Format, ...) __attribute__((format(printf, 1, 2)));
int main(int argc, char **argv);

#endif
