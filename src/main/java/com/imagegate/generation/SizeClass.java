package com.imagegate.generation;

/** Price classes of output sizes (docs/api.md, "Credits and prices"). */
public enum SizeClass {
    /** About one megapixel: 1024x1024, 1536x1024, 1024x1536 and auto. */
    STANDARD,
    /** Full HD: 1920x1088 and 1088x1920. */
    FULL_HD,
    /** 4K: 3824x2160 and 2160x3824. */
    UHD_4K
}
