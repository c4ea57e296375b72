//! Video and graphics devices: libvirt's `virDomainDefVideoValidate`/`virDomainVideoDefValidate`
//! and the QEMU driver's video and graphics checks.

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, name_range};
use super::{Findings, finding};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    videos(d, out);
    graphics(d, out);
}

fn videos(d: &Domain, out: &mut Findings) {
    let videos: Vec<_> = d.devices_named("video").collect();
    let models: Vec<_> = videos.iter().map(|v| child(v, "model")).collect();
    let kind = |i: usize| models[i].as_ref().and_then(|m| m.attribute_value("type"));
    let primary_flag = |i: usize| {
        models[i]
            .as_ref()
            .is_some_and(|m| m.attribute_value("primary") == Some("yes"))
    };

    let mut first_primary: Option<usize> = None;
    for i in 0..videos.len() {
        if !primary_flag(i) {
            continue;
        }
        let Some(m) = &models[i] else { continue };
        match first_primary {
            None => first_primary = Some(i),
            Some(f) => {
                let first = models[f].as_ref().map_or_else(
                    || name_range(&videos[f]),
                    |m| attr_or_name_range(m, "primary"),
                );
                out.push_finding(
                    finding(
                        RuleCode::VideoMultiplePrimary,
                        attr_or_name_range(m, "primary"),
                        "another video is already primary; libvirt: \"Only one primary video device is supported\"",
                    )
                    .related(first, "the first primary video"),
                );
            }
        }
    }
    let primary = first_primary.unwrap_or(0);

    for (i, video) in videos.iter().enumerate() {
        let Some(model) = &models[i] else { continue };
        let Some(t) = kind(i) else { continue };
        let type_range = attr_or_name_range(model, "type");
        if t == "none" {
            if videos.len() > 1 {
                out.push(
                    RuleCode::VideoNoneNotAlone,
                    type_range,
                    "'none' means no video, so no other video may exist; libvirt: \"a 'none' video type must be the only video device defined for the domain\"",
                );
            }
            continue;
        }
        if t != "qxl" {
            for a in ["ram", "vram64", "vgamem"] {
                if let Some((v, r)) = attr(model, a)
                    && v.trim() != "0"
                {
                    out.push(
                        RuleCode::VideoQxlOnlyAttribute,
                        r,
                        format!("only qxl video has {a}; libvirt: \"{a} attribute only supported for video type qxl\""),
                    );
                }
            }
        }
        if t == "ramfb"
            && let Some(address) = child(video, "address")
        {
            out.push(
                RuleCode::VideoRamfbAddress,
                name_range(&address),
                "ramfb is not on a bus, so it takes no address; libvirt: \"address not supported for video type ramfb\"",
            );
        }
        if t != "qxl" && t != "virtio" {
            if i != primary {
                out.push(
                    RuleCode::VideoSecondaryModel,
                    type_range,
                    format!("only qxl and virtio video can be secondary; libvirt: \"video type '{t}' is only valid as primary video device\""),
                );
            } else if let Some((h, r)) = attr(model, "heads")
                && h.trim() != "1"
            {
                out.push(
                    RuleCode::VideoSecondaryModel,
                    r,
                    format!("only qxl and virtio video have several heads; libvirt: \"video type '{t}' doesn't support multiple 'heads'\""),
                );
            }
        }
    }
}

fn graphics(d: &Domain, out: &mut Findings) {
    let all: Vec<_> = d.devices_named("graphics").collect();
    let egl = all
        .iter()
        .find(|g| g.attribute_value("type") == Some("egl-headless"));
    for g in &all {
        let t = g.attribute_value("type").unwrap_or_default();
        if let Some(egl) = egl {
            if t != "egl-headless" && t != "vnc" && t != "spice" {
                out.push_finding(
                    finding(
                        RuleCode::GraphicsEglHeadless,
                        attr_or_name_range(g, "type"),
                        "egl-headless renders for a VNC or SPICE display, and there is none; libvirt: \"graphics type 'egl-headless' is only supported with one of: 'vnc', 'spice' graphics types\"",
                    )
                    .related(name_range(egl), "the egl-headless display"),
                );
            }
            if t == "spice"
                && let Some(gl) = child(g, "gl")
                && gl.attribute_value("enable") == Some("yes")
            {
                out.push_finding(
                    finding(
                        RuleCode::GraphicsEglHeadless,
                        attr_or_name_range(&gl, "enable"),
                        "spice OpenGL and egl-headless both render with OpenGL; libvirt: \"multiple OpenGL displays are not supported by QEMU\"",
                    )
                    .related(name_range(egl), "the egl-headless display"),
                );
            }
        }
        if t == "vnc"
            && let Some((p, r)) = attr(g, "passwd")
            && p.chars().count() > 8
        {
            out.push(
                RuleCode::VncPasswordLength,
                r,
                format!(
                    "VNC passwords have at most 8 characters; libvirt: \"VNC password is {} characters long, only 8 permitted\"",
                    p.len()
                ),
            );
        }
    }
}
