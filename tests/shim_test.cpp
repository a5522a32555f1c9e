// The kernel shim: entries, pfn iteration, recorded warnings, BUG_ON.
#include <gtest/gtest.h>

#include "impl/shim/kernel.h"

using namespace kshim;

#define CONFIG_SHIM_TEST_ON 1
TEST(Shim, IsEnabled) {
    EXPECT_EQ(IS_ENABLED(CONFIG_SHIM_TEST_ON), 1);
    EXPECT_EQ(IS_ENABLED(CONFIG_SHIM_TEST_UNDEFINED), 0);
}

TEST(Shim, EntriesAndPfnIterationAtPmdOrderNine) {
    kernel_world world(1024, 2, 9, 1);
    world_scope scope(world);
    void *pmd = dax_make_entry(512, DAX_PMD);
    EXPECT_EQ(dax_to_pfn(pmd), 512u);
    EXPECT_TRUE(dax_is_pmd_entry(pmd));
    EXPECT_EQ(dax_entry_size(pmd), 512 * PAGE_SIZE);
    unsigned long pfn, count = 0;
    for_each_mapped_pfn(pmd, pfn) count++;
    EXPECT_EQ(count, 512u);
    EXPECT_EQ(dax_entry_size(dax_make_entry(0, DAX_ZERO_PAGE)), 0u);
    for_each_mapped_pfn(dax_make_entry(3, DAX_EMPTY), pfn) ADD_FAILURE() << "empty entry maps a pfn";
}

TEST(Shim, LinearPageIndex) {
    vm_area_struct vma{.vm_start = 0x10000, .vm_pgoff = 5};
    EXPECT_EQ(linear_page_index(&vma, 0x10000 + 3 * PAGE_SIZE), 8u);
}

TEST(Shim, WarningsAreRecordedNotFatal) {
    kernel_world world(4, 1, 1, 1);
    world_scope scope(world);
    world.op_number = 3;
    int x = 2;
    EXPECT_TRUE(WARN_ON_ONCE(x > 1));
    EXPECT_TRUE(WARN_ON_ONCE(x > 1));  // "once" limits printing, not recording
    EXPECT_FALSE(WARN_ON_ONCE(x > 5));
    ASSERT_EQ(world.warnings.size(), 2u);
    EXPECT_EQ(world.warnings[0].condition, "x > 1");
    EXPECT_EQ(world.warnings[0].op_number, 3);
    EXPECT_EQ(world.warnings[0].function, "TestBody");
}

TEST(Shim, BugOnAndBadPfnBecomeExceptions) {
    kernel_world world(4, 1, 1, 1);
    world_scope scope(world);
    EXPECT_THROW(BUG_ON(true), kernel_bug);
    EXPECT_NO_THROW(BUG_ON(false));
    EXPECT_THROW(pfn_to_page(5), kernel_bug);
    EXPECT_EQ(page_to_pfn(pfn_to_page(3)), 3u);
    // One past the device is the zero page, a RAM page read faults of holes map.
    EXPECT_EQ(my_zero_pfn(), 4u);
    EXPECT_EQ(pfn_to_page(4), &world.zero_page);
    EXPECT_EQ(page_to_pfn(pfn_to_page(4)), 4u);
    EXPECT_EQ(page_ref_count(pfn_to_page(0)), 1);
}

TEST(Shim, MappingsKeepIdentityAcrossWorlds) {
    EXPECT_EQ(mapping_file(file_mapping(2)), 2);
    EXPECT_EQ(mapping_file(nullptr), -1);
    EXPECT_EQ(mapping_file(reinterpret_cast<address_space *>(0x1)), -1);
}
