// The file system's floor for a first build: the time to make a built site's folders and write its files,
// with nothing else (no reading, parsing or rendering), on `jobs` threads as sitegen uses them.
//
//   cc -O2 -pthread bench/fs-floor.c -o fs-floor
//   ./fs-floor BUILT-SITE NEW-FOLDER [JOBS]     # prints the wall time of the writing alone, in seconds
//
// BUILT-SITE is read into memory first (not timed); then every folder is made and every file written into
// NEW-FOLDER, which must not exist, the way sitegen's first build does (mkdir, open, write, close).
// bench/run.sh prints it beside the first builds: no generator writing this tree can be faster.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct file { char *path; char *bytes; size_t size; };
static struct file *files;
static size_t count, capacity, source_length;
static const char *target;
static int jobs = 2;

static int collect(const char *path, const struct stat *status, int type, struct FTW *where) {
    (void)where;
    if (type != FTW_F) return 0;
    if (count == capacity) {
        capacity = capacity ? capacity * 2 : 1024;
        files = realloc(files, capacity * sizeof *files);
    }
    struct file *file = &files[count++];
    file->path = strdup(path + source_length + 1);
    file->size = (size_t)status->st_size;
    file->bytes = malloc(file->size + 1);
    int descriptor = open(path, O_RDONLY);
    if (descriptor < 0 || read(descriptor, file->bytes, file->size) != (ssize_t)file->size) {
        perror(path);
        exit(1);
    }
    close(descriptor);
    return 0;
}

// Makes the folders above `relative` inside `root`, parents first; existing ones are fine.
static void make_folders(int root, char *relative) {
    char *slash = strrchr(relative, '/');
    if (!slash) return;
    *slash = 0;
    if (mkdirat(root, relative, 0755) != 0 && errno == ENOENT) {
        make_folders(root, relative);
        mkdirat(root, relative, 0755);
    }
    *slash = '/';
}

static size_t next;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *write_files(void *argument) {
    int root = *(int *)argument;
    for (;;) {
        pthread_mutex_lock(&lock);
        size_t index = next++;
        pthread_mutex_unlock(&lock);
        if (index >= count) return NULL;
        struct file *file = &files[index];
        make_folders(root, file->path);
        int descriptor = openat(root, file->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (descriptor < 0 || write(descriptor, file->bytes, file->size) != (ssize_t)file->size) {
            perror(file->path);
            exit(1);
        }
        close(descriptor);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s BUILT-SITE NEW-FOLDER [JOBS]\n", argv[0]);
        return 2;
    }
    source_length = strlen(argv[1]);
    while (source_length > 1 && argv[1][source_length - 1] == '/') argv[1][--source_length] = 0;
    target = argv[2];
    if (argc > 3) jobs = atoi(argv[3]);
    if (nftw(argv[1], collect, 64, FTW_PHYS) != 0) { perror(argv[1]); return 1; }

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (mkdir(target, 0755) != 0) { perror(target); return 1; }
    int root = open(target, O_RDONLY | O_DIRECTORY);
    pthread_t threads[64];
    if (jobs < 1 || jobs > 64) jobs = 2;
    for (int t = 0; t < jobs; t++) pthread_create(&threads[t], NULL, write_files, &root);
    for (int t = 0; t < jobs; t++) pthread_join(threads[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
