-- The push stage now produces the image in one pass over the archive (the layer's digest is
-- known only at the end of its upload), so the build stage no longer stores a manifest,
-- config and layer description for it.
ALTER TABLE migrations DROP COLUMN image_manifest;
ALTER TABLE migrations DROP COLUMN image_config;
ALTER TABLE migrations DROP COLUMN image_layer_json;
