// How long replacing 10,000 files of 15 KB takes, one way or another, on the folder it runs in: the cost
// sitegen's write phase meets after a template edit (BENCHMARKS.md). Files are made and synced first, so
// the old ones are on disk as an editor's long-published pages are.
//
//   gcc -O2 -o /tmp/replace bench/replace.c && mkdir -p bench/out/replace && cd bench/out/replace
//   for mode in 0 1 2 3; do /tmp/replace $mode; done
//
// 0: a temporary file renamed over the old one (what sitegen did); 1: exchanged with it (renameat2
// RENAME_EXCHANGE), then the old one unlinked (what it does); 2: the old one unlinked, then the temporary
// renamed (a moment with no file); 3: written in place with O_TRUNC (a reader can see half a file).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include <stdio.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); int n=10000; char buf[20000]; memset(buf,'a',sizeof buf);
  char p[64],t[64];
  for(int i=0;i<n;i++){snprintf(p,64,"f%05d",i); if(access(p,F_OK)!=0){int fd=open(p,O_WRONLY|O_CREAT,0644);write(fd,buf,15000);close(fd);}}
  sync();
  double s=now();
  for(int i=0;i<n;i++){snprintf(p,64,"f%05d",i);snprintf(t,64,".f%05d.tmp",i);
    buf[0]='0'+ (mode+i)%10;
    if(mode==3){int fd=open(p,O_WRONLY|O_TRUNC);write(fd,buf,15000);close(fd);continue;}
    int fd=open(t,O_WRONLY|O_CREAT|O_EXCL,0644);write(fd,buf,15000);close(fd);
    if(mode==0){rename(t,p);}
    else if(mode==1){renameat2(AT_FDCWD,t,AT_FDCWD,p,RENAME_EXCHANGE);unlink(t);}
    else if(mode==2){unlink(p);rename(t,p);}
  }
  printf("mode %d: %.3f s\n",mode,now()-s);
}
