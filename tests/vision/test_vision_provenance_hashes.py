"""Provenance markers (metadata scan, a real signed C2PA manifest) and perceptual hashes."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, PngImagePlugin

from rempart.media import load_bytes
from rempart.vision.hashing import HashDetector, bits_to_hex, downscale, hamming, pdq, pdq_dihedral, phash
from rempart.vision.provenance import C2paManifestBackend, ProvenanceDetector, scan_metadata, summarise_manifest

Draw = Callable[..., NDArray[np.uint8]]
Encode = Callable[..., bytes]
XMP_AI = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
    "</rdf:RDF></x:xmpmeta>"
)


def png_with_text(pixels: NDArray[np.uint8], **chunks: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        info.add_itxt(key, value) if key == "XML:com.adobe.xmp" else info.add_text(key, value)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


# --- metadata markers -------------------------------------------------------------------------------


def test_a1111_parameters_chunk(draw_image: Draw) -> None:
    image = load_bytes(
        png_with_text(
            draw_image(1, 32, 32), parameters="a red barn in snow\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 7"
        )
    )
    (marker,) = scan_metadata(image)
    assert marker.kind == "png_text" and marker.key == "parameters" and marker.ai_generated


def test_comfyui_prompt_chunk(draw_image: Draw) -> None:
    graph = json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 1}}})
    markers = scan_metadata(load_bytes(png_with_text(draw_image(2, 32, 32), prompt=graph, workflow="{}")))
    assert {m.key for m in markers} == {"prompt", "workflow"} and all(m.ai_generated for m in markers)


def test_xmp_digital_source_type(draw_image: Draw) -> None:
    image = load_bytes(png_with_text(draw_image(3, 32, 32), **{"XML:com.adobe.xmp": XMP_AI}))
    markers = scan_metadata(image)
    assert any(m.kind == "xmp" and m.value == "trainedAlgorithmicMedia" and m.ai_generated for m in markers)


def test_xmp_in_jpeg(draw_image: Draw) -> None:
    buffer = io.BytesIO()
    Image.fromarray(draw_image(4, 40, 30)).save(buffer, "JPEG", xmp=XMP_AI.encode())
    assert any(m.ai_generated for m in scan_metadata(load_bytes(buffer.getvalue())))


def test_exif_software_and_user_comment(draw_image: Draw) -> None:
    img = Image.fromarray(draw_image(5, 40, 30))
    exif = img.getexif()
    exif[0x0131] = "Midjourney v7"
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", exif=exif.tobytes())
    (marker,) = scan_metadata(load_bytes(buffer.getvalue()))
    assert marker.kind == "exif" and marker.key == "Software" and marker.ai_generated


def test_ordinary_metadata_is_not_a_marker(draw_image: Draw) -> None:
    img = Image.fromarray(draw_image(6, 40, 30))
    exif = img.getexif()
    exif[0x0131] = "GIMP 2.10"
    exif[0x010F] = "Canon"
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"holiday")
    assert scan_metadata(load_bytes(buffer.getvalue())) == ()
    assert scan_metadata(load_bytes(png_with_text(draw_image(7, 20, 20), Title="Lighthouse"))) == ()


def test_manifest_summary_handles_ingredients_and_junk() -> None:
    store = {
        "active_manifest": "a",
        "manifests": {
            "a": {
                "claim_generator": "Editor/1.0",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.edited"}]}}],
            },
            "b": {
                "assertions": [
                    {
                        "label": "c2pa.actions.v2",
                        "data": {
                            "actions": [
                                {
                                    "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
                                }
                            ]
                        },
                    }
                ]
            },
            "junk": "not a manifest",
        },
        "validation_state": "Invalid",
    }
    state, markers = summarise_manifest(store)
    assert state == "Invalid"
    assert any(m.ai_generated and m.key.startswith("ingredient b") for m in markers)
    assert summarise_manifest({}) == (None, ())


def _signed_png(pixels: NDArray[np.uint8]) -> bytes:
    """A PNG signed with a throwaway CA + leaf (P-256, ES256), declaring trainedAlgorithmicMedia."""
    c2pa = pytest.importorskip("c2pa")
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rempart tests"),
            ]
        )

    def usage(sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=sign,
            crl_sign=sign,
            encipher_only=False,
            decipher_only=False,
        )

    def builder(subject: str, issuer: x509.Name, public: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(issuer)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
        )

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        builder("test CA", name("test CA"), ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        builder("test signer", ca.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, private, None))
    manifest = {
        "claim_generator_info": [{"name": "rempart-tests", "version": "1"}],
        "title": "drawn.png",
        "format": "image/png",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                        }
                    ]
                },
            }
        ],
    }
    source = io.BytesIO()
    Image.fromarray(pixels).save(source, "PNG")
    source.seek(0)
    signed = io.BytesIO()
    with c2pa.Builder(json.dumps(manifest)) as built:
        built.sign(signer, "image/png", source, signed)
    return signed.getvalue()


def test_real_c2pa_manifest_is_read_offline(draw_image: Draw, encode_image: Encode) -> None:
    detector = ProvenanceDetector(C2paManifestBackend())
    detector.load()
    signed = load_bytes(_signed_png(draw_image(8, 64, 48)))
    result = detector.detect(signed)
    assert result.ok, result.error
    signal = result.data["provenance"]
    assert signal.c2pa_present and signal.ai_generated_marker
    assert signal.c2pa_validation in ("Valid", "Trusted")
    assert any(m.kind == "c2pa" and m.value == "trainedAlgorithmicMedia" for m in signal.markers)
    plain = detector.detect(load_bytes(encode_image(draw_image(8, 64, 48), "PNG")))
    assert plain.ok and not plain.data["provenance"].c2pa_present
    assert not plain.has("c2pa_manifest")


# --- hashes -----------------------------------------------------------------------------------------


def test_bits_to_hex_and_hamming() -> None:
    bits = np.zeros(256, dtype=np.int64)
    bits[0] = 1
    assert bits_to_hex(bits) == "8" + "0" * 63
    assert hamming("ff", "0f") == 4
    with pytest.raises(ValueError):
        hamming("ff", "fff")


def test_pdq_is_stable_under_benign_transforms(draw_image: Draw, encode_image: Encode) -> None:
    skimage_data = pytest.importorskip("skimage.data")
    original = np.ascontiguousarray(skimage_data.astronaut())
    reference, quality = pdq(original)
    assert len(reference) == 64 and quality >= 50
    jpeg = load_bytes(encode_image(original, "JPEG", quality=50)).pixels
    half = downscale(original, 256)
    other, _ = pdq(np.ascontiguousarray(skimage_data.coffee()))
    assert hamming(reference, pdq(jpeg)[0]) <= 31
    assert hamming(reference, pdq(half)[0]) <= 31
    assert hamming(reference, other) > 31
    mirrored = np.ascontiguousarray(original[:, ::-1])
    assert hamming(reference, pdq(mirrored)[0]) > 31
    assert min(hamming(reference, h) for h in pdq_dihedral(mirrored)) <= 31
    assert hamming(phash(original), phash(jpeg)) <= 8
    assert hamming(phash(original), phash(np.ascontiguousarray(skimage_data.coffee()))) > 8


def test_flat_image_has_low_pdq_quality(make_image: Callable[..., object]) -> None:
    from rempart.media import load_bytes as load

    flat = np.full((64, 64, 3), 128, dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(flat).save(buffer, "PNG")
    detector = HashDetector()
    detector.load()
    result = detector.detect(load(buffer.getvalue()))
    assert result.ok and result.data["hashes"].pdq_quality < 50
    assert result.has("pdq_low_quality")
