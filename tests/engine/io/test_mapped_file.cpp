// MappedFile: contents, empty files, refusal of non-regular files, moves and hints.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "io/mapped_file.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

TEST(MappedFile, MapsContents) {
    fs::path dir = scratch_dir();
    write_file(dir / "f.bin", std::string("hello, map"));
    Result<MappedFile> m = MappedFile::open(dir / "f.bin", MapAdvice::sequential);
    ASSERT_TRUE(m.ok()) << m.status().to_string();
    EXPECT_EQ(m->size(), 10u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m->data()), m->size()), "hello, map");
    EXPECT_TRUE(m->advise(3, 100, MapAdvice::will_need).ok());  // clamped to the file
    EXPECT_EQ(m->path(), dir / "f.bin");
}

TEST(MappedFile, EmptyFileIsAnEmptyMap) {
    fs::path dir = scratch_dir();
    write_file(dir / "empty", std::string());
    Result<MappedFile> m = MappedFile::open(dir / "empty");
    ASSERT_TRUE(m.ok()) << m.status().to_string();
    EXPECT_TRUE(m->empty());
    EXPECT_EQ(m->data(), nullptr);
    EXPECT_TRUE(m->bytes().empty());
    EXPECT_TRUE(m->advise(0, 10, MapAdvice::random).ok());
}

TEST(MappedFile, RefusesMissingAndNonRegularFiles) {
    fs::path dir = scratch_dir();
    EXPECT_EQ(MappedFile::open(dir / "missing").status().code(), ErrorCode::not_found);
    EXPECT_EQ(MappedFile::open(dir).status().code(), ErrorCode::invalid_argument);
    // A FIFO must be refused without blocking on open.
    ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
    EXPECT_EQ(MappedFile::open(dir / "fifo").status().code(), ErrorCode::invalid_argument);
}

TEST(MappedFile, MoveTransfersOwnership) {
    fs::path dir = scratch_dir();
    write_file(dir / "f.bin", std::string(5000, 'x'));
    Result<MappedFile> m = MappedFile::open(dir / "f.bin");
    ASSERT_TRUE(m.ok());
    MappedFile a = std::move(m).value();
    const uint8_t* p = a.data();
    MappedFile b;
    b = std::move(a);
    EXPECT_EQ(a.data(), nullptr);
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(b.data(), p);
    EXPECT_EQ(b.bytes()[4999], 'x');
}
