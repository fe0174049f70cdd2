//! Turns an uploaded file into the images the site serves.
//!
//! The upload is judged by its bytes alone (never its file name or declared type), its
//! size and pixel dimensions are checked from the header before any pixel is decoded,
//! and then it is decoded and encoded anew at a few responsive widths. Encoding from
//! pixels drops every piece of metadata — EXIF with its GPS position and camera serial,
//! XMP, IPTC, ICC profiles, comments — after the EXIF orientation has been applied, so
//! photos stay upright.
//!
//! Output is JPEG, or PNG where the image uses transparency. We produce no WebP because
//! the `image` crate's WebP encoder is lossless only, which makes photos several times
//! larger than a JPEG at quality 82.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat,
    ImageReader, Limits, RgbaImage,
};
use std::io::Cursor;

/// The largest upload accepted, in bytes (5 MiB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// The largest width and the largest height accepted, in pixels.
pub const MAX_DIMENSION: u32 = 6000;

/// The widths served to browsers (`srcset`), narrowest first. Smaller images are not
/// enlarged: their own width becomes the widest variant.
pub const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1600];

/// JPEG quality of every variant: small files with no visible loss on photos.
pub const JPEG_QUALITY: u8 = 82;

/// The most a decoder may allocate: a 6000 × 6000 image at 8 bytes a pixel (16-bit RGBA).
const MAX_DECODE_ALLOC: u64 = MAX_DIMENSION as u64 * MAX_DIMENSION as u64 * 8;

/// Why an upload was refused. The messages are written for the person uploading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("The image is larger than 5 MB.")]
    TooLarge,
    #[error("Only JPEG, PNG and WebP images can be uploaded.")]
    UnsupportedFormat,
    #[error("The image is larger than 6,000 × 6,000 pixels.")]
    TooManyPixels,
    #[error("The file could not be read as an image.")]
    Corrupt,
}

impl UploadError {
    /// Whether the upload was refused for its byte size (HTTP 413); every other refusal
    /// is about its content (HTTP 422).
    pub fn is_too_large(&self) -> bool {
        matches!(self, Self::TooLarge)
    }
}

/// An accepted upload, encoded at every width it is served in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// Width of the largest variant.
    pub width: u32,
    /// Height of the largest variant.
    pub height: u32,
    /// Narrowest first; all of one format.
    pub variants: Vec<Variant>,
}

/// One encoded width of an upload.
#[derive(Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// `"jpg"` or `"png"`, for the stored file's name.
    pub extension: &'static str,
    /// `"image/jpeg"` or `"image/png"`.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variant")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Checks an uploaded file and encodes it anew at the [`VARIANT_WIDTHS`] it is at least
/// as wide as, plus its own width when that is below the widest.
///
/// CPU-heavy (a large photo takes a good part of a second): call it from
/// `actix_web::web::block`.
pub fn process_upload(bytes: &[u8]) -> Result<ProcessedImage, UploadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge);
    }
    let format = sniff_format(bytes)?;
    // The header alone, so a decompression bomb (a few KB claiming 20,000 × 20,000
    // pixels) is refused before any pixel buffer is allocated.
    let (width, height) = reader(bytes, format)
        .into_dimensions()
        .map_err(upload_error)?;
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(UploadError::TooManyPixels);
    }
    let image = decode(bytes, format)?;
    let variants = encode_variants(image)?;
    let largest = variants.last().ok_or(UploadError::Corrupt)?;
    Ok(ProcessedImage {
        width: largest.width,
        height: largest.height,
        variants,
    })
}

/// The format the bytes are in, from their magic numbers.
fn sniff_format(bytes: &[u8]) -> Result<ImageFormat, UploadError> {
    let guessed = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| UploadError::Corrupt)?;
    match guessed.format() {
        Some(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        _ => Err(UploadError::UnsupportedFormat),
    }
}

/// A fresh reader over the upload, with our limits set: the decoders refuse larger
/// dimensions from the header, and larger allocations while decoding.
fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader
}

/// Decodes the upload and turns it upright by its EXIF orientation, the one piece of
/// metadata that changes how it looks.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, UploadError> {
    let mut decoder = reader(bytes, format).into_decoder().map_err(upload_error)?;
    if decoder.total_bytes() > MAX_DECODE_ALLOC {
        return Err(UploadError::TooManyPixels);
    }
    // Unreadable EXIF is no reason to refuse the picture.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(upload_error)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn upload_error(error: ImageError) -> UploadError {
    match error {
        ImageError::Limits(_) => UploadError::TooManyPixels,
        other => {
            tracing::debug!(error = %other, "upload could not be decoded");
            UploadError::Corrupt
        }
    }
}

/// The pixels the variants are made from.
enum Source {
    /// No visible transparency: encoded as JPEG.
    Opaque(DynamicImage),
    /// Transparency in use: encoded as PNG. `premultiplied` is what is resized, so that
    /// the colour of invisible pixels (often black) does not bleed into the edges.
    Transparent {
        /// Kept only when the image is served at its own size.
        original: Option<RgbaImage>,
        premultiplied: DynamicImage,
    },
}

fn encode_variants(image: DynamicImage) -> Result<Vec<Variant>, UploadError> {
    let (width, height) = (image.width(), image.height());
    let sizes = variant_sizes(width, height);
    let source = if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        if rgba.as_raw().chunks_exact(4).any(|p| p[3] != u8::MAX) {
            let served_as_is = sizes.last() == Some(&(width, height));
            Source::Transparent {
                original: served_as_is.then(|| rgba.clone()),
                premultiplied: DynamicImage::ImageRgba8(premultiply(rgba)),
            }
        } else {
            Source::Opaque(DynamicImage::ImageRgba8(rgba).into_rgb8().into())
        }
    } else {
        Source::Opaque(image.into_rgb8().into())
    };

    // Widest first, each narrower one resized from the one before: a resize costs in
    // proportion to its source's pixels, so only the first one reads the full upload.
    // At the ratios between our widths (1.67 and 2) this looks the same as resizing
    // each from the original.
    let mut variants = Vec::with_capacity(sizes.len());
    let mut previous: Option<DynamicImage> = None;
    for &(w, h) in sizes.iter().rev() {
        let variant = match &source {
            Source::Opaque(original) => {
                let pixels = resized(previous.as_ref().unwrap_or(original), w, h);
                let variant = encode_jpeg(&pixels)?;
                previous = Some(pixels);
                variant
            }
            Source::Transparent {
                original,
                premultiplied,
            } => {
                if let Some(original) = original.as_ref().filter(|_| (w, h) == (width, height)) {
                    encode_png(original)?
                } else {
                    let pixels = resized(previous.as_ref().unwrap_or(premultiplied), w, h);
                    let variant = encode_png(&unpremultiply(pixels.to_rgba8()))?;
                    previous = Some(pixels);
                    variant
                }
            }
        };
        variants.push(variant);
    }
    variants.reverse();
    Ok(variants)
}

/// The (width, height) of each variant, narrowest first, keeping the aspect ratio.
fn variant_sizes(width: u32, height: u32) -> Vec<(u32, u32)> {
    let widest = width.min(VARIANT_WIDTHS[VARIANT_WIDTHS.len() - 1]);
    VARIANT_WIDTHS
        .iter()
        .copied()
        .filter(|&w| w < widest)
        .chain(std::iter::once(widest))
        .map(|w| (w, scaled_height(width, height, w)))
        .collect()
}

/// `height` scaled like `width` to `new_width`, rounded, at least one pixel.
fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let scaled =
        (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

fn resized(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (image.width(), image.height()) == (width, height) {
        image.clone()
    } else {
        image.resize_exact(width, height, FilterType::Lanczos3)
    }
}

fn premultiply(mut image: RgbaImage) -> RgbaImage {
    for pixel in image.chunks_exact_mut(4) {
        let alpha = u32::from(pixel[3]);
        for channel in &mut pixel[..3] {
            *channel = ((u32::from(*channel) * alpha + 127) / 255) as u8;
        }
    }
    image
}

fn unpremultiply(mut image: RgbaImage) -> RgbaImage {
    for pixel in image.chunks_exact_mut(4) {
        let alpha = u32::from(pixel[3]);
        if alpha == 0 {
            pixel[..3].fill(0);
            continue;
        }
        for channel in &mut pixel[..3] {
            *channel = ((u32::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
        }
    }
    image
}

fn encode_jpeg(image: &DynamicImage) -> Result<Variant, UploadError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(encode_error)?;
    Ok(Variant {
        width: image.width(),
        height: image.height(),
        extension: "jpg",
        content_type: "image/jpeg",
        bytes,
    })
}

fn encode_png(image: &RgbaImage) -> Result<Variant, UploadError> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, PngFilter::Adaptive)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .map_err(encode_error)?;
    Ok(Variant {
        width: image.width(),
        height: image.height(),
        extension: "png",
        content_type: "image/png",
        bytes,
    })
}

/// Encoding our own pixels into memory does not fail; if it ever does, the upload is
/// refused rather than stored broken.
fn encode_error(error: ImageError) -> UploadError {
    tracing::error!(error = %error, "encoding an uploaded image failed");
    UploadError::Corrupt
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::webp::WebPEncoder;
    use image::{GenericImageView, Rgb, RgbImage, Rgba};
    use std::time::Instant;

    /// A smooth colour gradient, which compresses like a photo rather than like noise.
    fn photo(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                ((x + y) % 256) as u8,
            ])
        })
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = photo(width, height);
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90)
            .write_image(image.as_raw(), width, height, ExtendedColorType::Rgb8)
            .unwrap();
        bytes
    }

    fn png(image: &RgbaImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        PngEncoder::new(&mut bytes)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgba8,
            )
            .unwrap();
        bytes
    }

    /// A big-endian EXIF block: IFD0 with Orientation 6 (turn 90° clockwise to view) and a
    /// GPS IFD holding latitude 52° 31' N — Berlin.
    fn exif_app1_segment() -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\0\x2a");
        tiff.extend_from_slice(&8_u32.to_be_bytes());
        // IFD0 at offset 8: two entries, then the next-IFD offset; 30 bytes.
        tiff.extend_from_slice(&2_u16.to_be_bytes());
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]); // GPSInfo IFD pointer …
        tiff.extend_from_slice(&38_u32.to_be_bytes()); // … at offset 38
        tiff.extend_from_slice(&0_u32.to_be_bytes());
        // GPS IFD at offset 38: latitude ref "N" and latitude as three rationals at 68.
        tiff.extend_from_slice(&2_u16.to_be_bytes());
        tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
        tiff.extend_from_slice(&68_u32.to_be_bytes());
        tiff.extend_from_slice(&0_u32.to_be_bytes());
        for (numerator, denominator) in [(52_u32, 1_u32), (31, 1), (0, 1)] {
            tiff.extend_from_slice(&numerator.to_be_bytes());
            tiff.extend_from_slice(&denominator.to_be_bytes());
        }
        assert_eq!(tiff.len(), 68 + 24);

        let mut segment = vec![0xff, 0xe1];
        let length = u16::try_from(2 + 6 + tiff.len()).unwrap();
        segment.extend_from_slice(&length.to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&tiff);
        segment
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn decoded(variant: &Variant) -> DynamicImage {
        image::load_from_memory(&variant.bytes).unwrap()
    }

    fn sizes(processed: &ProcessedImage) -> Vec<(u32, u32)> {
        processed
            .variants
            .iter()
            .map(|v| (v.width, v.height))
            .collect()
    }

    #[test]
    fn exif_with_a_gps_position_is_removed() {
        let mut upload = jpeg(64, 32);
        upload.splice(2..2, exif_app1_segment());
        assert!(contains(&upload, b"Exif"));
        assert_eq!(sniff_format(&upload), Ok(ImageFormat::Jpeg));

        let processed = process_upload(&upload).unwrap();

        for variant in &processed.variants {
            assert!(!contains(&variant.bytes, b"Exif"));
            assert!(!contains(&variant.bytes, &[0x88, 0x25]));
            assert!(variant.bytes.starts_with(&[0xff, 0xd8]));
        }
    }

    #[test]
    fn exif_orientation_is_applied_before_it_is_removed() {
        let mut upload = jpeg(64, 32);
        upload.splice(2..2, exif_app1_segment());

        let processed = process_upload(&upload).unwrap();

        assert_eq!(sizes(&processed), [(32, 64)]);
        assert_eq!(decoded(&processed.variants[0]).dimensions(), (32, 64));
    }

    #[test]
    fn a_png_with_transparency_stays_a_png_with_transparency() {
        let logo = RgbaImage::from_fn(1000, 500, |x, _| {
            if x < 500 {
                Rgba([200, 30, 30, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });

        let processed = process_upload(&png(&logo)).unwrap();

        assert_eq!(sizes(&processed), [(480, 240), (960, 480), (1000, 500)]);
        for variant in &processed.variants {
            assert_eq!(
                (variant.extension, variant.content_type),
                ("png", "image/png")
            );
            let pixels = decoded(variant).to_rgba8();
            assert_eq!(pixels.get_pixel(variant.width - 1, 0)[3], 0);
            assert_eq!(pixels.get_pixel(0, 0).0, [200, 30, 30, 255]);
        }
    }

    #[test]
    fn transparent_edges_keep_their_colour_when_resized() {
        let logo = RgbaImage::from_fn(1000, 100, |x, _| {
            if x < 500 {
                Rgba([255, 255, 255, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });

        let processed = process_upload(&png(&logo)).unwrap();

        let smallest = decoded(&processed.variants[0]).to_rgba8();
        for pixel in smallest.pixels().filter(|p| p[3] > 0) {
            assert!(pixel[0] >= 250, "edge darkened to {pixel:?}");
        }
    }

    #[test]
    fn a_png_whose_alpha_channel_is_all_opaque_becomes_a_jpeg() {
        let opaque = RgbaImage::from_pixel(600, 300, Rgba([10, 120, 200, 255]));

        let processed = process_upload(&png(&opaque)).unwrap();

        assert_eq!(sizes(&processed), [(480, 240), (600, 300)]);
        assert!(processed.variants.iter().all(|v| v.extension == "jpg"));
    }

    #[test]
    fn a_2000_pixel_jpeg_gives_480_960_and_1600_with_the_aspect_ratio_kept() {
        let upload = jpeg(2000, 1500);

        let started = Instant::now();
        let processed = process_upload(&upload).unwrap();
        eprintln!("2000 × 1500 JPEG processed in {:?}", started.elapsed());

        assert_eq!(sizes(&processed), [(480, 360), (960, 720), (1600, 1200)]);
        assert_eq!((processed.width, processed.height), (1600, 1200));
        for variant in &processed.variants {
            assert_eq!(
                (variant.extension, variant.content_type),
                ("jpg", "image/jpeg")
            );
            assert_eq!(
                decoded(variant).dimensions(),
                (variant.width, variant.height)
            );
        }
    }

    #[test]
    fn an_800_pixel_image_gives_480_and_800_and_is_never_enlarged() {
        let processed = process_upload(&jpeg(800, 533)).unwrap();

        assert_eq!(sizes(&processed), [(480, 320), (800, 533)]);
        assert_eq!((processed.width, processed.height), (800, 533));
    }

    #[test]
    fn an_image_narrower_than_480_gives_one_variant_at_its_own_size() {
        let processed = process_upload(&jpeg(300, 200)).unwrap();

        assert_eq!(sizes(&processed), [(300, 200)]);
    }

    #[test]
    fn a_webp_upload_is_accepted_and_served_as_jpeg() {
        let image = photo(500, 250);
        let mut upload = Vec::new();
        WebPEncoder::new_lossless(&mut upload)
            .encode(image.as_raw(), 500, 250, ExtendedColorType::Rgb8)
            .unwrap();

        let processed = process_upload(&upload).unwrap();

        assert_eq!(sizes(&processed), [(480, 240), (500, 250)]);
        assert!(processed.variants.iter().all(|v| v.extension == "jpg"));
    }

    #[test]
    fn html_named_like_a_jpeg_is_an_unsupported_format() {
        let upload = b"<!doctype html><html><script>alert(1)</script></html>";

        assert_eq!(process_upload(upload), Err(UploadError::UnsupportedFormat));
    }

    #[test]
    fn svg_is_an_unsupported_format() {
        let upload = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;

        assert_eq!(process_upload(upload), Err(UploadError::UnsupportedFormat));
    }

    #[test]
    fn gif_is_an_unsupported_format() {
        let upload = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

        assert_eq!(process_upload(upload), Err(UploadError::UnsupportedFormat));
    }

    #[test]
    fn more_than_5_mib_is_too_large() {
        let upload = vec![0_u8; 6 * 1024 * 1024];

        let error = process_upload(&upload).unwrap_err();

        assert_eq!(error, UploadError::TooLarge);
        assert!(error.is_too_large());
    }

    /// A complete PNG of 20,000 × 20,000 RGB pixels whose image data holds no rows: a
    /// few dozen bytes that would need 1.2 GB once decoded.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0_u32;
            for &byte in bytes {
                crc ^= u32::from(byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xedb8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }

        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        // A zlib stream holding one empty stored block: zero rows.
        let empty_zlib = [0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1];

        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut png, b"IHDR", &header);
        chunk(&mut png, b"IDAT", &empty_zlib);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn a_png_claiming_20000_by_20000_pixels_is_refused_from_its_header() {
        let upload = png_claiming(20_000, 20_000);
        assert!(upload.len() < 100);
        assert_eq!(
            ImageReader::new(Cursor::new(&upload[..]))
                .with_guessed_format()
                .unwrap()
                .into_dimensions()
                .unwrap(),
            (20_000, 20_000)
        );

        let started = Instant::now();
        let error = process_upload(&upload).unwrap_err();

        assert_eq!(error, UploadError::TooManyPixels);
        assert!(!error.is_too_large());
        assert!(started.elapsed().as_millis() < 500);
    }

    #[test]
    fn one_side_over_6000_pixels_is_too_many_pixels() {
        assert_eq!(
            process_upload(&png_claiming(6001, 10)),
            Err(UploadError::TooManyPixels)
        );
        assert_eq!(
            process_upload(&png_claiming(10, 6001)),
            Err(UploadError::TooManyPixels)
        );
    }

    #[test]
    fn the_decode_limits_refuse_what_the_header_check_would_miss() {
        let upload = png_claiming(20_000, 20_000);

        assert_eq!(
            decode(&upload, ImageFormat::Png).unwrap_err(),
            UploadError::TooManyPixels
        );
    }

    #[test]
    fn a_png_signature_followed_by_garbage_is_corrupt() {
        let mut upload = b"\x89PNG\r\n\x1a\n".to_vec();
        upload.extend_from_slice(&[0x55; 64]);

        assert_eq!(process_upload(&upload), Err(UploadError::Corrupt));
    }

    #[test]
    fn a_png_with_its_image_data_missing_is_corrupt() {
        assert_eq!(
            process_upload(&png_claiming(100, 100)),
            Err(UploadError::Corrupt)
        );
    }

    #[test]
    fn errors_read_as_sentences_for_the_uploader() {
        assert_eq!(
            UploadError::TooLarge.to_string(),
            "The image is larger than 5 MB."
        );
        assert_eq!(
            UploadError::UnsupportedFormat.to_string(),
            "Only JPEG, PNG and WebP images can be uploaded."
        );
        assert_eq!(
            UploadError::TooManyPixels.to_string(),
            "The image is larger than 6,000 × 6,000 pixels."
        );
        assert_eq!(
            UploadError::Corrupt.to_string(),
            "The file could not be read as an image."
        );
    }

    #[test]
    #[ignore = "timing only: cargo test --lib media -- --ignored --nocapture"]
    fn time_a_4000_pixel_jpeg() {
        let upload = jpeg(4000, 3000);
        let started = Instant::now();
        let processed = process_upload(&upload).unwrap();
        eprintln!(
            "4000 × 3000 JPEG ({} KB) processed in {:?}",
            upload.len() / 1024,
            started.elapsed()
        );
        assert_eq!(processed.width, 1600);
    }
}
