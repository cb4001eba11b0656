"""The only image library (Pillow, pillow-heif): photos are decoded and re-encoded here.

At the level of storage and drawing, reached only through services; imported only by the
commands and pages that handle photos, so that other commands never load Pillow.
"""
