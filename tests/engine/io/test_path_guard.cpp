// resolve_inside: lexical and symlink escapes out of a model folder.
#include <gtest/gtest.h>

#include "io/path_guard.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

TEST(PathGuard, AcceptsPathsInside) {
    fs::path root = scratch_dir();
    fs::create_directories(root / "sub");
    write_file(root / "sub" / "f.json", std::string("{}"));
    Result<fs::path> p = resolve_inside(root, "sub/f.json");
    ASSERT_TRUE(p.ok()) << p.status().to_string();
    EXPECT_EQ(*p, fs::canonical(root / "sub" / "f.json"));
    EXPECT_TRUE(resolve_inside(root, "./sub//f.json").ok());
    // Not existing yet is fine: the caller's open reports it.
    EXPECT_TRUE(resolve_inside(root, "later.json").ok());
}

TEST(PathGuard, RefusesEscapes) {
    fs::path root = scratch_dir() / "model";
    fs::create_directories(root);
    write_file(root.parent_path() / "secret", std::string("x"));
    for (const char* rel : {"../secret", "sub/../../secret", "..", "/etc/passwd", "", "a/.."}) {
        EXPECT_EQ(resolve_inside(root, rel).status().code(), ErrorCode::path_escape) << rel;
    }
    EXPECT_EQ(resolve_inside(root, std::string_view("a\0b", 3)).status().code(), ErrorCode::path_escape);
    fs::create_symlink("../secret", root / "link");
    EXPECT_EQ(resolve_inside(root, "link").status().code(), ErrorCode::path_escape);
    fs::create_symlink("/", root / "rootlink");
    EXPECT_EQ(resolve_inside(root, "rootlink/etc/passwd").status().code(), ErrorCode::path_escape);
    // A prefix that is not a parent folder ("model2" is not inside "model").
    fs::create_directories(root.parent_path() / "model2");
    fs::create_symlink("../model2", root / "sibling");
    EXPECT_EQ(resolve_inside(root, "sibling").status().code(), ErrorCode::path_escape);
    fs::create_symlink("missing-target", root / "dangling");
    EXPECT_EQ(resolve_inside(root, "dangling").status().code(), ErrorCode::not_found);
}

TEST(PathGuard, HubBlobExceptionIsNarrow) {
    fs::path repo = scratch_dir() / "models--x";
    fs::create_directories(repo / "snapshots" / "rev");
    fs::create_directories(repo / "blobs");
    fs::create_directories(repo / "other");
    write_file(repo / "blobs" / "abc", std::string("x"));
    write_file(repo / "other" / "abc", std::string("x"));
    fs::create_symlink("../../blobs/abc", repo / "snapshots" / "rev" / "ok");
    fs::create_symlink("../../other/abc", repo / "snapshots" / "rev" / "bad");
    EXPECT_TRUE(resolve_inside(repo / "snapshots" / "rev", "ok").ok());
    EXPECT_EQ(resolve_inside(repo / "snapshots" / "rev", "bad").status().code(), ErrorCode::path_escape);
    // Outside a snapshots/ folder the exception does not apply.
    fs::create_directories(repo / "plain");
    fs::create_symlink("../blobs/abc", repo / "plain" / "ok");
    EXPECT_EQ(resolve_inside(repo / "plain", "ok").status().code(), ErrorCode::path_escape);
}
